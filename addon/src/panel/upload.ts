// Upload helpers (pure + a stream guard): the file name the user chose, and a byte limit enforced while the body
// streams to the catalog, so an oversized upload is cut off instead of buffered.
import { Transform, TransformCallback } from 'stream';

/** Why `name` is not an acceptable package file name, or '' when it is. */
export function uploadNameProblem(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) return 'the upload needs a file name (?name=…)';
  if (name.length > 100) return 'the file name is longer than 100 characters';
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._()+-]*$/.test(name)) return 'the file name may contain only letters, digits, spaces and . _ - ( ) +';
  if (!/\.(bin|wwws)$/i.test(name)) return 'only .bin (firmware) and .wwws (web bundle) packages can be uploaded';
  return '';
}

export class TooLarge extends Error {}

/** Passes bytes through until more than `limit` arrived, then fails with TooLarge. */
export function byteLimit(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) done(new TooLarge(`the package is larger than ${limit} bytes`));
      else done(null, chunk);
    },
  });
}
