// Board pin maps for the MEP link (spec §2). Selected at build time (`--board`, define MEP_BOARD) or, with 'auto', from
// the interpreter's process.env.BOARD. Pins are GPIO numbers: Espruino accepts an integer wherever a pin is expected.

export interface BoardPins {
  id: string;
  /** UART pins of the MEP port (used with Serial2, espruino.md §2.6). */
  rx: number;
  tx: number;
  /** Meter ENABLE driver: driven LOW to enable the link, HIGH to disable it (inverted, spec §2). */
  enable: number;
  /** MAX3232 transceiver enable: HIGH = on, LOW = off; null when the board has none (spec §2). */
  transceiver: number | null;
}

/** ESP32-WROOM "dabbler" board: UART2 on GPIO16/17, ENABLE GPIO5, MAX3232 on GPIO32. */
export const ESP32_DABBLER: BoardPins = { id: 'esp32', rx: 16, tx: 17, enable: 5, transceiver: 32 };

/** ESP32-C3 (uStepper) board: RX GPIO6, TX GPIO7, ENABLE GPIO5, no transceiver pin. */
export const ESP32_C3: BoardPins = { id: 'esp32c3', rx: 6, tx: 7, enable: 5, transceiver: null };

export const BOARD_IDS = ['auto', 'esp32', 'esp32c3'];

/** 'esp32' | 'esp32c3' pick a board; 'auto' (or anything else) picks by the interpreter build name. */
export function selectBoard(id: string, interpreterBoard: string | undefined): BoardPins {
  if (id === 'esp32') return ESP32_DABBLER;
  if (id === 'esp32c3') return ESP32_C3;
  return interpreterBoard !== undefined && interpreterBoard.indexOf('C3') >= 0 ? ESP32_C3 : ESP32_DABBLER;
}
