// Settings validation as a lazy module (device/src/lazy, device/build/modules.ts): the field rules are needed at boot
// and when the add-on sends a configuration, not in between.
export { applyConfigCommand } from '../app/config-command';
export { loadSettings } from './store';
export { redactSettings } from './validate';
