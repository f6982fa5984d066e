// Dotted paths ("mqtt.port") into plain settings-like objects, shared by validation and the config command.

type Obj = { [key: string]: unknown };

export function getPath(obj: unknown, path: string): unknown {
  const parts = path.split('.');
  let cur = obj;
  for (let i = 0; i < parts.length; i++) cur = cur && typeof cur === 'object' ? (cur as Obj)[parts[i] as string] : undefined;
  return cur;
}

/** Sets a value, creating the objects on the way. */
export function putPath(obj: Obj, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = obj;
  for (let i = 0; i < parts.length - 1; i++) {
    const k = parts[i] as string;
    cur = (cur[k] || (cur[k] = {})) as Obj;
  }
  cur[parts[parts.length - 1] as string] = value;
}
