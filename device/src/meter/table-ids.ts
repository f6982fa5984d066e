// Table identifiers: BTnn = nn, ETnn = 0x0800 + nn (spec §1). Names accept "BT28", "et13", "28", "0x080d", "2061".

export const BT00 = 0x0000;
export const BT01 = 0x0001;
export const BT07 = 0x0007;
export const BT08 = 0x0008;
export const BT20 = 0x0014;
export const BT21 = 0x0015;
export const BT23 = 0x0017;
export const BT28 = 0x001c;
export const BT52 = 0x0034;
export const ET03 = 0x0803;
export const ET11 = 0x080b;
export const ET13 = 0x080d;
export const ET14 = 0x080e;
export const ET50 = 0x0832;
export const ET51 = 0x0833;
export const ET54 = 0x0836;
export const ET55 = 0x0837;
export const ET58 = 0x083a;
export const ET59 = 0x083b;
export const ET70 = 0x0846;
export const ET85 = 0x0855;

const MANUFACTURER_FLAG = 0x0800;

export function tableName(id: number): string {
  const n = id & 0x07ff;
  const prefix = id & MANUFACTURER_FLAG ? 'ET' : 'BT';
  return prefix + (n < 10 ? '0' : '') + n;
}

function digitsOnly(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function hexOnly(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Parses a table name or number; returns null when it is neither (or outside 0..0xFFFF). */
export function parseTableId(text: string): number | null {
  const t = text.trim().toUpperCase();
  let id = -1;
  if ((t.startsWith('BT') || t.startsWith('ET')) && digitsOnly(t.substr(2))) {
    const n = parseInt(t.substr(2), 10);
    if (n > 0x07ff) return null;
    id = t.charAt(0) === 'E' ? MANUFACTURER_FLAG + n : n;
  } else if (t.startsWith('0X') && hexOnly(t.substr(2))) {
    id = parseInt(t.substr(2), 16);
  } else if (digitsOnly(t)) {
    id = parseInt(t, 10);
  }
  return id >= 0 && id <= 0xffff ? id : null;
}
