// What the panel server is built from: only the backend interfaces (backend.ts), the bus and a logger.
import { DeviceCommander, FirmwareCatalog, HomeAssistant, MeterRegistry, Rollouts } from '../backend';
import { EventBus } from '../bus';
import { Pairing } from '../pairing/pairing-service';
import { Logger } from '../service';
import { PanelMode } from './access';

export interface PanelDeps {
  registry: MeterRegistry;
  commander: DeviceCommander;
  catalog: FirmwareCatalog;
  rollouts: Rollouts;
  ha: HomeAssistant;
  bus: EventBus;
  log: Logger;
  /** addon: behind ingress (only 172.30.32.2 may connect); local: `npm start` on one machine (loopback only). */
  mode: PanelMode;
  host: string;
  port: number;
  /** Built front end (index.html, panel.js); default dist/panel/, built on the fly when missing. */
  assetsDir?: string;
  /** Pairing of modules (routes/pairing.ts); absent: no pairing routes. */
  pairing?: Pairing;
}

/** An API error with a message for the user; never carries a secret. */
export class ApiError extends Error {
  readonly status: number;
  readonly fields: { field: string; message: string }[];

  constructor(status: number, message: string, fields: { field: string; message: string }[] = []) {
    super(message);
    this.status = status;
    this.fields = fields;
  }
}

/** Largest JSON body the API reads (every body is a few fields). */
export const JSON_BODY_LIMIT = 16 * 1024;
/** Largest upload: the Supervisor's ingress buffers at most 16 MiB (home-assistant.md §2.4). */
export const UPLOAD_LIMIT = 16 * 1024 * 1024;
