// Espruino composition root (architecture C2): build the HAL over the interpreter's built-ins and start the app.
// No logic and no exports (the iife entry point, espruino.md §1.5).
import { startApp } from './app';
import { createEspruinoHal } from './hal/espruino';

startApp(createEspruinoHal());
