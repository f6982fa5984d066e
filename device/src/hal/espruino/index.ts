// Builds the Hal over Espruino's built-ins (architecture C2). Only device/src/main.ts calls this.
import { Hal } from '../types';
import { BoardPins, selectBoard } from './board';
import { createClock } from './clock';
import { createCrypto } from './crypto';
import { createHttpServer } from './http';
import { createHttpClient } from './http-client';
import { EspruinoProcess } from './natives';
import { createStorage } from './storage';
import { createSystem } from './system';
import { createTcp } from './tcp';
import { createUart } from './uart';
import { createWifi } from './wifi';
import { createSlotModules } from '../../lazy/modules';

declare const process: EspruinoProcess;
/** Replaced by the build (device/build/build.ts): package.json version (also read by app.ts), a build id, and the
 *  board ('auto' = detect). */
declare const FIRMWARE_VERSION: string;
declare const MEP_BUILD_ID: string;
declare const MEP_BOARD: string;

export function boardFromBuild(): BoardPins {
  return selectBoard(typeof MEP_BOARD === 'string' ? MEP_BOARD : 'auto', process.env.BOARD);
}

export function createEspruinoHal(): Hal {
  const clock = createClock();
  return {
    clock: clock,
    uart: createUart(boardFromBuild()),
    tcp: createTcp(),
    storage: createStorage(),
    wifi: createWifi(),
    http: createHttpServer(),
    // Created on each use: only the update module (device/src/lazy) pulls packages, and its client goes with it.
    get httpClient() {
      return createHttpClient();
    },
    crypto: createCrypto(),
    modules: createSlotModules(),
    system: createSystem(clock, {
      version: typeof FIRMWARE_VERSION === 'string' ? FIRMWARE_VERSION : 'dev',
      buildId: typeof MEP_BUILD_ID === 'string' ? MEP_BUILD_ID : 'dev',
    }),
  };
}
