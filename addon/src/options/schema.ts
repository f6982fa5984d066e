// The add-on's options schema on the TypeScript side: one rule per option of `Options` (types.ts). It must accept
// exactly what config.yaml's `schema:` lets the Supervisor write into /data/options.json (home-assistant.md §1.3);
// test/addon/options/config-agreement.test.ts proves the two agree. Defaults live only in config.yaml `options:`.
import { Options } from './types';

/** What one option may hold. Each kind mirrors a Supervisor type string (noted on the right). */
export type Rule =
  | { kind: 'choice'; values: readonly string[] } //  list(a|b|c)
  | { kind: 'text' } //                                str
  | { kind: 'secret'; minLength?: number } //         password  (never echoed, redacted in logs; the length bound
  //                                                   is the add-on's own: the Supervisor cannot bound a password)
  | { kind: 'pattern'; pattern: RegExp; hint: string } // match(^…\Z)
  | { kind: 'port' } //                                port  (1–65535)
  | { kind: 'integer'; min: number; max: number } //   int(min,max)
  | { kind: 'flag' }; //                               bool

/** One scalar option; `optional` mirrors the Supervisor's `?` suffix (absent allowed, no default). */
export interface Field {
  rule: Rule;
  optional: boolean;
}

/** A nested option group (a dict in config.yaml's schema; the Supervisor allows one level of nesting here). */
export interface Group<T> {
  fields: { [K in keyof T]-?: Field };
}

/** The schema's shape follows `Options`: a group for every object-valued option, a field for every scalar. */
export type OptionsSchema = {
  [K in keyof Options]-?: Options[K] extends object ? Group<Options[K]> : Field;
};

/** Shortest embedded_broker.device_password the add-on accepts. */
export const DEVICE_PASSWORD_MIN = 12;

const required = (rule: Rule): Field => ({ rule, optional: false });
const optional = (rule: Rule): Field => ({ rule, optional: true });

/** A host name or an IP address: no scheme, no port, no path (config.yaml uses the same pattern). */
const HOST: Rule = {
  kind: 'pattern',
  pattern: /^[A-Za-z0-9._:[\]-]{1,253}$/,
  hint: 'a host name or IP address without scheme or port, e.g. 192.168.1.10 or core-mosquitto',
};

/** The embedded broker's full-access login; `mep_…` names belong to devices (their device id is their login). */
const BROKER_USER: Rule = {
  kind: 'pattern',
  pattern: /^(?!mep_)[A-Za-z0-9_.@-]{1,64}$/,
  hint: 'letters, digits and _ . @ - (at most 64), not starting with "mep_" (device logins use that)',
};

export const OPTIONS_SCHEMA: OptionsSchema = {
  log_level: required({ kind: 'choice', values: ['debug', 'info', 'warning', 'error'] }),
  mqtt: {
    fields: {
      host: optional(HOST),
      port: optional({ kind: 'port' }),
      username: optional({ kind: 'text' }),
      password: optional({ kind: 'secret' }),
      ssl: optional({ kind: 'flag' }),
    },
  },
  embedded_broker: {
    fields: {
      port: required({ kind: 'port' }),
      username: optional(BROKER_USER),
      password: optional({ kind: 'secret' }),
      // Shared by every module that is not paired yet: long enough that online guessing (a few tries per second
      // at most, login-throttle.ts) gets nowhere (issue 11 attack 4).
      device_password: optional({ kind: 'secret', minLength: DEVICE_PASSWORD_MIN }),
    },
  },
  ota: {
    fields: {
      port: required({ kind: 'port' }),
      host: optional(HOST),
    },
  },
  offline_notify_minutes: required({ kind: 'integer', min: 0, max: 10080 }),
};

export function isGroup(node: Field | Group<object>): node is Group<object> {
  return 'fields' in node;
}
