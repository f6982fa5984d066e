// Draws the add-on's store images (home-assistant.md §1.5): icon.png (128×128, square) and logo.png (250×100)
// at the repository root — an electricity meter with a display and a lightning bolt, and the name next to it.
// Plain code and zlib, no image tools: `npx tsx addon/build/icons.ts` rewrites both files;
// test/addon/packaging/images.test.ts checks the committed files hold exactly these pixels.
import { writeFileSync } from 'fs';
import { join, resolve } from 'path';
import { deflateSync } from 'zlib';

export interface Image {
  width: number;
  height: number;
  /** RGBA, row by row. */
  pixels: Uint8Array;
}

type Rgba = readonly [number, number, number, number];
/** A shape: is the point (x, y), in the shape's own 0..1 box, inside it? */
type Shape = (x: number, y: number) => boolean;

const BLUE: Rgba = [3, 169, 244, 255]; // Home Assistant's primary colour
const WHITE: Rgba = [255, 255, 255, 255];
const SCREEN: Rgba = [38, 50, 56, 255];
const DIGIT: Rgba = [129, 212, 250, 255];
const BOLT: Rgba = [255, 193, 7, 255];
const TEXT: Rgba = [38, 50, 56, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

function roundRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

function polygon(points: readonly (readonly [number, number])[]): Shape {
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i] as readonly [number, number];
      const [xj, yj] = points[j] as readonly [number, number];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}

/** The meter drawing in a unit box: layers painted in order, the last one that contains a point wins. */
const METER: readonly [Shape, Rgba][] = [
  [roundRect(0, 0, 1, 1, 0.18), BLUE],
  [roundRect(0.2, 0.14, 0.8, 0.88, 0.08), WHITE],
  [roundRect(0.27, 0.22, 0.73, 0.4, 0.03), SCREEN],
  ...[0.31, 0.41, 0.51, 0.61].map((x): [Shape, Rgba] => [roundRect(x, 0.27, x + 0.07, 0.35, 0.01), DIGIT]),
  [polygon([[0.53, 0.45], [0.38, 0.65], [0.49, 0.65], [0.44, 0.83], [0.62, 0.6], [0.51, 0.6], [0.57, 0.45]]), BOLT],
];

/** 5×7 capitals for the logo's name. */
const GLYPHS: { [c: string]: string[] } = {
  M: ['10001', '11011', '10101', '10101', '10001', '10001', '10001'],
  E: ['11111', '10000', '10000', '11110', '10000', '10000', '11111'],
  P: ['11110', '10001', '10001', '11110', '10000', '10000', '10000'],
  B: ['11110', '10001', '10001', '11110', '10001', '10001', '11110'],
  R: ['11110', '10001', '10001', '11110', '10100', '10010', '10001'],
  I: ['11111', '00100', '00100', '00100', '00100', '00100', '11111'],
  D: ['11110', '10001', '10001', '10001', '10001', '10001', '11110'],
  G: ['01110', '10001', '10000', '10111', '10001', '10001', '01111'],
  ' ': ['00000', '00000', '00000', '00000', '00000', '00000', '00000'],
};

function textShape(text: string, x0: number, y0: number, cell: number): Shape {
  return (x, y) => {
    const col = Math.floor((x - x0) / cell);
    const row = Math.floor((y - y0) / cell);
    if (row < 0 || row > 6 || col < 0) return false;
    const glyph = GLYPHS[text[Math.floor(col / 6)] ?? ''];
    return glyph !== undefined && col % 6 < 5 && (glyph[row] as string)[col % 6] === '1';
  };
}

/** Paints layers with 4×4 supersampling (smooth edges); `box` [x, y, size] places a layer's unit box in pixels. */
function paint(width: number, height: number, layers: readonly { shape: Shape; colour: Rgba; box: [number, number, number] }[]): Image {
  const pixels = new Uint8Array(width * height * 4);
  const n = 4;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const x = px + (sx + 0.5) / n;
          const y = py + (sy + 0.5) / n;
          let colour = CLEAR;
          for (const { shape, colour: c, box } of layers) {
            const [bx, by, size] = box;
            if (shape((x - bx) / size, (y - by) / size)) colour = c;
          }
          // Premultiplied sum, so transparent samples do not darken the edges.
          for (let i = 0; i < 3; i++) sum[i] = (sum[i] as number) + (colour[i] as number) * (colour[3] / 255);
          sum[3] = (sum[3] as number) + colour[3];
        }
      }
      const at = (py * width + px) * 4;
      const alpha = (sum[3] as number) / (n * n);
      for (let i = 0; i < 3; i++) pixels[at + i] = alpha === 0 ? 0 : Math.round(((sum[i] as number) / (n * n)) * (255 / alpha));
      pixels[at + 3] = Math.round(alpha);
    }
  }
  return { width, height, pixels };
}

export function renderIcon(): Image {
  return paint(128, 128, METER.map(([shape, colour]) => ({ shape, colour, box: [0, 0, 128] })));
}

export function renderLogo(): Image {
  const meter = METER.map(([shape, colour]) => ({ shape, colour, box: [4, 8, 84] as [number, number, number] }));
  const name = [
    { shape: textShape('MEP', 0, 0, 1), colour: TEXT, box: [100, 18, 6] as [number, number, number] },
    { shape: textShape('BRIDGE', 0, 0, 1), colour: BLUE, box: [100, 66, 4] as [number, number, number] },
  ];
  return paint(250, 100, [...meter, ...name]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** PNG, 8-bit RGBA, no interlace, filter 0 on every row. */
export function encodePng(image: Image): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const stride = image.width * 4;
  const raw = Buffer.alloc((stride + 1) * image.height);
  for (let y = 0; y < image.height; y++) raw.set(image.pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

if (require.main === module) {
  const root = resolve(__dirname, '../..');
  writeFileSync(join(root, 'icon.png'), encodePng(renderIcon()));
  writeFileSync(join(root, 'logo.png'), encodePng(renderLogo()));
  process.stdout.write('wrote icon.png (128×128) and logo.png (250×100)\n');
}
