// Server-Sent Events as the add-on panel sends them (addon/src/panel/live-events.ts): frames separated by a blank
// line, each with `event:` and `data:` (JSON) lines. Comments (": keep-alive") and the retry line carry no event.
export interface SseFrame {
  event: string;
  data: unknown;
}

/** Splits complete frames off `buffer`; returns them and the incomplete rest. */
export function takeSseFrames(buffer: string): { frames: SseFrame[]; rest: string } {
  const frames: SseFrame[] = [];
  let rest = buffer;
  let end: number;
  while ((end = rest.indexOf('\n\n')) >= 0) {
    const frame = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const event = /^event: (.*)$/m.exec(frame)?.[1];
    const data = /^data: (.*)$/m.exec(frame)?.[1];
    if (event && data) frames.push({ event, data: JSON.parse(data) });
  }
  return { frames, rest };
}
