// The shared per-module read queue (module-read-queue.ts): two readers through one module never have two reads in
// flight (the module would answer "a read is already in progress") and a read starts at least the spacing after the
// previous one ended; different modules do not wait for each other.
import type { CommandResult, ReadCommand } from '../../../discovery/contract';
import { ModuleReadQueue } from '../../../addon/src/meters/module-read-queue';

test('reads through one module are one at a time and spaced; another module is not held up', async () => {
  const inFlight = new Map<string, number>();
  const log: { id: string; start: number; end: number }[] = [];
  const module = {
    async read(id: string, cmd: Omit<ReadCommand, 'id'>): Promise<CommandResult> {
      const busy = inFlight.get(id) ?? 0;
      if (busy > 0) return { id: null, command: 'read', ok: false, error: 'a read is already in progress' };
      inFlight.set(id, 1);
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 30));
      inFlight.set(id, 0);
      log.push({ id, start, end: Date.now() });
      return { id: null, command: 'read', ok: true, table: cmd.table, offset: cmd.offset, hex: '00'.repeat(cmd.count) };
    },
  };
  const queue = new ModuleReadQueue(module, 100);
  const a = 'mep_240ac40000a1';
  const b = 'mep_240ac40000b2';
  const t0 = Date.now();
  const results = await Promise.all([
    queue.read(a, { table: 1, offset: 0, count: 1 }), queue.read(a, { table: 2, offset: 0, count: 1 }),
    queue.read(a, { table: 3, offset: 0, count: 1 }), queue.read(b, { table: 4, offset: 0, count: 1 }),
  ]);
  expect(results.every((r) => r.ok)).toBe(true);
  const onA = log.filter((l) => l.id === a);
  expect(onA).toHaveLength(3);
  for (let i = 1; i < onA.length; i++) expect(onA[i]!.start - onA[i - 1]!.end).toBeGreaterThanOrEqual(99);
  expect(log.find((l) => l.id === b)!.start - t0).toBeLessThan(100);
  // A failed read does not stop the queue.
  const failing = new ModuleReadQueue({ read: async () => { throw new Error('link down'); } }, 0);
  await expect(failing.read(a, { table: 1, offset: 0, count: 1 })).rejects.toThrow('link down');
  await expect(failing.read(a, { table: 1, offset: 0, count: 1 })).rejects.toThrow('link down');
});
