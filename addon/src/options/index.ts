// The add-on's options: load and validate /data/options.json, redact for the log (home-assistant.md §1.3).
export { ADDON_OPTIONS_FILE, loadOptions } from './load';
export { describeOptions, REDACTED, redactOptions } from './redact';
export { OPTIONS_SCHEMA } from './schema';
export type { Options, LogLevel } from './types';
export { OptionsError, validateOptions } from './validate';
export type { OptionProblem } from './validate';
export { CONFIG_YAML, configDefaults, localOptions } from './defaults';
