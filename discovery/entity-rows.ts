// The entity table as text rows for the firmware: the discovery module reads one row at a time from the app slot in
// Storage (device/build/modules.ts data ranges) instead of building the ENTITIES object tree in RAM. Layout: the row
// count, then where every row starts (and where the last one ends), as OFFSET_DIGITS-digit decimals relative to the
// end of that header, then the rows, each the JSON of one EntityDescriptor (without option_names, which only the
// add-on panel shows). Fixed-width numbers let the device read just the two it needs for a row: no parsed header in
// RAM (~70 JsVars for as long as a discovery message is being sent).
import { EntityDescriptor, ENTITIES } from './entities';
import { EntityRows } from './discovery-payload';

const OFFSET_DIGITS = 5;

function fixed(n: number): string {
  const text = String(n);
  if (text.length > OFFSET_DIGITS) throw new Error(`entity rows: ${n} does not fit in ${OFFSET_DIGITS} digits`);
  return '0'.repeat(OFFSET_DIGITS - text.length) + text;
}

export function entityRowsText(): string {
  const rows = ENTITIES.map((e) => {
    const copy: Partial<EntityDescriptor> & { option_names?: unknown } = Object.assign({}, e);
    delete copy.option_names;
    return JSON.stringify(copy);
  });
  let header = fixed(rows.length);
  let at = 0;
  for (const r of rows) {
    header += fixed(at);
    at += r.length;
  }
  return header + fixed(at) + rows.join('');
}

/** Rows read through `read(offset, length)` (text of the whole blob): the count once, then two offsets and the row. */
export function entityRowsFrom(read: (offset: number, length: number) => string): EntityRows {
  let count = -1;
  return (i: number): EntityDescriptor | undefined => {
    if (count < 0) count = parseInt(read(0, OFFSET_DIGITS), 10) || 0;
    if (i < 0 || i >= count) return undefined;
    const ends = read(OFFSET_DIGITS * (i + 1), 2 * OFFSET_DIGITS);
    const from = parseInt(ends.substring(0, OFFSET_DIGITS), 10);
    const to = parseInt(ends.substring(OFFSET_DIGITS), 10);
    return JSON.parse(read(OFFSET_DIGITS * (count + 2) + from, to - from)) as EntityDescriptor;
  };
}
