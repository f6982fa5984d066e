// The core is global code (device/build/top-level-names.ts): a minified name that equals one of Espruino's globals
// would hide it from every later lookup, so the build refuses such a bundle.
import { globalCollisions, isEspruinoGlobal, topLevelNames } from '../../../device/build/top-level-names';

describe('top-level names of the global-code core', () => {
  test('lists var, let, const, function and class declarations, not names inside functions', () => {
    expect(topLevelNames('var a=1,b;let c;const d=2;function e(){var inner}class F{}g();')).toEqual(['a', 'b', 'c', 'd', 'e', 'F']);
  });

  test("Espruino's globals, pins and our boot globals are collisions; ordinary minified names are not", () => {
    for (const name of ['E', 'D1', 'D39', 'A0', 'LED1', 'print', 'MEPSLOT', 'Serial2']) expect(isEspruinoGlobal(name)).toBe(true);
    for (const name of ['a', 'Et', 'D', 'Dx', '$', '_', 'P']) expect(isEspruinoGlobal(name)).toBe(false);
    expect(globalCollisions('var a=1,D1=2;function E(){}')).toEqual(['D1', 'E']);
  });
});
