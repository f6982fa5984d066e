// The core bundle is global code (esbuild format 'esm' without exports): its functions are then defined at the top
// level of the boot eval and carry no scope link, one JsVar less each than inside an iife (≈430 JsVars measured on
// the real interpreter, plus the scope-chain copies Espruino makes for closures). The price: every top-level name
// the minifier picks becomes a global, so none may be one of Espruino's own (a `D1` or `E` of ours would hide the pin
// or the E object from every later lookup, lazy modules included). esbuild already avoids the globals our code
// reads; this check covers the ones it does not know about.
import { parse } from 'acorn';

/** `Object.getOwnPropertyNames(global)` on the Espruino 2v29 Linux build, plus what ESP32 boards add. */
const ESPRUINO_GLOBALS = new Set(
  (
    'quit JSON Function Object AES Array ArrayBuffer ArrayBufferView Boolean DataView Date E Error File Float32Array ' +
    'Float64Array Graphics HIGH I2C I2C1 I2C2 Infinity Int16Array Int32Array Int8Array InternalError LOW LoopbackA ' +
    'LoopbackB Math Modules NaN Number OneWire Pin Promise ReferenceError RegExp SPI SPI1 SPI2 Serial Serial1 Serial2 ' +
    'Serial3 Server Socket StorageFile String SyntaxError Telnet TypeError USB Uint16Array Uint24Array Uint32Array ' +
    'Uint8Array Uint8ClampedArray Waveform analogRead analogWrite arguments atob btoa changeInterval clearInterval ' +
    'clearTimeout clearWatch console decodeURIComponent dgramSocket digitalPulse digitalRead digitalWrite dump echo edit ' +
    'encodeURIComponent eval getPinMode getSerial getTime global globalThis httpCRq httpCRs httpSRq httpSRs httpSrv ' +
    'isFinite isNaN load parseFloat parseInt peek16 peek32 peek8 pinMode poke16 poke32 poke8 print process require ' +
    'reset save setBusyIndicator setInterval setSleepIndicator setTime setTimeout setWatch shiftOut trace url ' +
    // ESP32 boards and our own globals (boot loader, Node host, lazy modules)
    'ESP32 Bluetooth NRF Wifi undefined MEPSLOT MEPTRIAL MEPCODE MEPM'
  ).split(' '),
);
/** Pin and board names: D0…D48, A0…, LED1, BTN1 and the like. */
const PIN_NAME = /^(D|A|LED|BTN)\d+$/;

export function isEspruinoGlobal(name: string): boolean {
  return ESPRUINO_GLOBALS.has(name) || PIN_NAME.test(name);
}

/** The names a script declares at its top level (var/let/const, function, class). */
export function topLevelNames(code: string): string[] {
  const program = parse(code, { ecmaVersion: 2020, sourceType: 'script' });
  const names: string[] = [];
  for (const statement of program.body) {
    if (statement.type === 'VariableDeclaration') {
      for (const d of statement.declarations) if (d.id.type === 'Identifier') names.push(d.id.name);
    } else if ((statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && statement.id) {
      names.push(statement.id.name);
    }
  }
  return names;
}

/** Top-level names of `code` that would replace one of Espruino's globals. */
export function globalCollisions(code: string): string[] {
  return topLevelNames(code).filter(isEspruinoGlobal);
}
