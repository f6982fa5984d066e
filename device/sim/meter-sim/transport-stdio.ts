// stdin/stdout transport: raw bytes in and out, e.g. `socat EXEC:... ` or a pipe to another interpreter. stdout
// carries ONLY meter bytes; anything human-readable must go to stderr. Streams are injectable for tests.
import type { MeterSimulator } from './meter';

export interface StdioHandle {
  close(): void;
}

export interface StdioStreams {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  output: NodeJS.WritableStream;
}

export function attachStdio(sim: MeterSimulator, streams?: Partial<StdioStreams>): StdioHandle {
  const input = streams?.input ?? process.stdin;
  const output = streams?.output ?? process.stdout;
  if (input.isTTY && input.setRawMode) input.setRawMode(true);
  const onInput = (chunk: Buffer | string): void => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    sim.receive(new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
  };
  const onOutput = (bytes: Uint8Array): void => {
    output.write(Buffer.from(bytes));
  };
  input.on('data', onInput);
  sim.on('data', onOutput);
  input.resume();
  return {
    close() {
      input.off('data', onInput);
      sim.off('data', onOutput);
      input.pause();
    },
  };
}
