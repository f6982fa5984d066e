// The memory the firmware may use on a real ESP32 (issue 9, ../shared/docs/espruino.md §2.1): the ESP32 gives the
// interpreter (free heap − 40 KB) / 14 bytes ≈ 10,000 JsVars on a WROOM. All real-interpreter tests run with
// POOL variables unless MEP_ESPRUINO_VARS says otherwise (16383 = the Linux build's cap, for a firmware that does
// not fit yet); the memory gate always uses ESP32_POOL.

/** A WROOM's pool, in JsVars (14 bytes each). */
export const ESP32_POOL = 10000;
/** The Linux build's cap (and the ESP32's with PSRAM). */
export const LINUX_MAX_POOL = 16383;
/** Pool for the scenario tests. */
export const POOL = Number(process.env.MEP_ESPRUINO_VARS) || ESP32_POOL;
/** Steady state (meter online, MQTT connected, discovery sent): at most this many variables in use. */
export const STEADY_MAX_USAGE = 5000;
/** Never fewer free variables than this, at any moment of any scenario. */
export const MIN_FREE = 3000;
/** Error flags that must never be raised. */
export const FORBIDDEN_FLAGS = ['LOW_MEMORY', 'MEMORY'];
