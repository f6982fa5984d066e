// The application: wires meter session → readings → MQTT with Home Assistant discovery, WiFi with AP fallback and
// the device's web pages, over the HAL only. Shared by the Espruino entry point (main.ts) and the Node host.
import { Hal } from './hal/types';

export function startApp(hal: Hal): void {
  hal.system.log('MEP Bridge starting');
}
