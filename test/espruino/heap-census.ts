// Counts what the device's heap holds, from the interpreter's own dump (E.dumpVariables(): one console line per
// variable, "ref,size,flags,<name or value>,links…"; a property name is printed quoted). A test uses it to show that a
// replaced object really left memory: on Espruino a closure keeps every local of the function it was made in, so a
// callback made next to a local that pointed at the old settings keeps that whole copy alive.
import { Device } from './harness';

const END = '$HEAP-END';

/** How many properties named `name` the heap holds right now (after a garbage collection). */
export async function propertiesNamed(d: Device, name: string): Promise<number> {
  const from = d.board.mark();
  await d.query(`(process.memory(),E.dumpVariables(),console.log(${JSON.stringify(END)}),1)`);
  await d.board.line(new RegExp(`^${END.replace('$', '\\$')}$`), { after: from, ms: 30000 });
  const quoted = `,${JSON.stringify(name)},`;
  return d.board.lines.slice(from).filter((l) => /^\d+,\d+,\d+,/.test(l.text) && l.text.includes(quoted)).length;
}
