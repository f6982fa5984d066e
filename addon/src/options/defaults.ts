// Options outside Home Assistant (`npm start`, tests): config.yaml's `options:` block is the only copy of the
// defaults (home-assistant.md §1.3), so local mode reads it from there, applies its own overrides and validates
// the result exactly like /data/options.json.
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';
import { Options } from './types';
import { OptionsError, validateOptions } from './validate';

/** config.yaml at the repository root (the add-on folder). */
export const CONFIG_YAML = resolve(__dirname, '../../../config.yaml');

type Plain = { [key: string]: unknown };

/** The `options:` block of config.yaml: the defaults the Supervisor writes for a fresh install. */
export function configDefaults(configFile: string = CONFIG_YAML): Plain {
  let config: unknown;
  try {
    config = parse(readFileSync(configFile, 'utf8'));
  } catch (err) {
    throw new OptionsError([{ path: '', message: `cannot read the defaults (${(err as Error).message})` }], configFile);
  }
  const options = (config as { options?: unknown } | null)?.options;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionsError([{ path: '', message: 'has no `options:` block' }], configFile);
  }
  return options as Plain;
}

/** config.yaml's defaults with `overrides` laid over them (groups merged key by key), validated. */
export function localOptions(overrides: Plain, configFile: string = CONFIG_YAML): Options {
  return validateOptions(mergeGroups(configDefaults(configFile), overrides), 'local options');
}

function mergeGroups(base: Plain, overrides: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const under = out[key];
    const bothGroups = [under, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    out[key] = bothGroups ? mergeGroups(under as Plain, value as Plain) : value;
  }
  return out;
}
