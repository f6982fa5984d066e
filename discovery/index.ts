// Public API of discovery/: shared by the device firmware (Espruino) and the Node add-on (architecture C4, C5).
export * from './abbreviations';
export * from './compat';
export * from './contract';
export * from './discovery-payload';
export * from './entities';
export * from './json';
export * from './payloads';
export * from './topics';
