// The entity table as text rows for the firmware: the discovery module reads one row at a time from the app slot in
// Storage (device/build/modules.ts data ranges) instead of building the ENTITIES object tree in RAM. Layout: a first
// line with the start of every row (decimal offsets into the text, comma-separated, the end last), then the rows, each
// the JSON of one EntityDescriptor (without option_names, which only the add-on panel shows).
import { EntityDescriptor, ENTITIES } from './entities';
import { EntityRows } from './discovery-payload';

export function entityRowsText(): string {
  const rows = ENTITIES.map((e) => {
    const copy: Partial<EntityDescriptor> & { option_names?: unknown } = Object.assign({}, e);
    delete copy.option_names;
    return JSON.stringify(copy);
  });
  // Offsets are relative to the end of the header line; the header is padded so that its own length does not move them.
  const starts: number[] = [];
  let at = 0;
  for (const r of rows) {
    starts.push(at);
    at += r.length;
  }
  starts.push(at);
  return starts.join(',') + '\n' + rows.join('');
}

/** Rows read through `read(offset, length)` (text of the whole blob): the header once, then one row per call. */
export function entityRowsFrom(read: (offset: number, length: number) => string): EntityRows {
  let header: number[] | null = null;
  let base = 0;
  return (i: number): EntityDescriptor | undefined => {
    if (!header) {
      let text = '';
      for (let at = 0; text.indexOf('\n') < 0; at += 64) {
        const piece = read(at, 64);
        if (!piece) return undefined;
        text += piece;
      }
      const line = text.substring(0, text.indexOf('\n'));
      base = line.length + 1;
      header = line.split(',').map((n) => parseInt(n, 10));
    }
    if (i < 0 || i + 1 >= header.length) return undefined;
    const from = header[i] as number;
    return JSON.parse(read(base + from, (header[i + 1] as number) - from)) as EntityDescriptor;
  };
}
