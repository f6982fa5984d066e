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
/** The web pages and updates do not fit 10,000 yet (a session over every page peaks near 14,000 with the web module
 *  loaded): their scenarios run on the Linux cap until they do, gated on error flags and MIN_FREE there. */
export const WEB_POOL = Number(process.env.MEP_ESPRUINO_VARS) || LINUX_MAX_POOL;
/** Issue 9's budget for a WROOM: steady state (meter online, MQTT connected, discovery sent) at most 5,000 variables
 *  in use, and at least 3,000 free at every moment. NOT MET YET: measured at pool 10,000 (2026-12-03) the steady state
 *  is ~6,750 and the fewest free ~1,100-1,300 during discovery and reconnects (the sampler counts garbage too). */
export const TARGET_STEADY_MAX_USAGE = 5000;
export const TARGET_MIN_FREE = 3000;
/** What CI holds the firmware to until the target is reached: a ratchet a little above today's figures, so memory can
 *  only go down. Lower these with every saving; the target above is where they end. */
export const STEADY_MAX_USAGE = 7000;
export const MIN_FREE = 700;
/** Error flags that must never be raised. */
export const FORBIDDEN_FLAGS = ['LOW_MEMORY', 'MEMORY'];
