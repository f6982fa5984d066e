// Shared look: cards that stack on a phone and sit side by side on a wide screen.
import { css } from 'lit';

export const shared = css`
  :host { display: block; }
  .card { background: var(--card, #fff); border-radius: 12px; padding: 16px; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.15); }
  @media (prefers-color-scheme: dark) { .card { --card: #1e1e1e; } }
  h2, h3 { margin: 0 0 8px; font-weight: 500; }
  h2 { font-size: 1.25rem; }
  h3 { font-size: 1rem; margin-top: 16px; }
  .muted { opacity: 0.7; font-size: 0.9rem; }
  .error { color: #c62828; }
  .ok { color: #2e7d32; }
  .badge { display: inline-block; padding: 2px 8px; border-radius: 10px; font-size: 0.8rem; background: #9e9e9e; color: #fff; }
  .badge.online { background: #2e7d32; }
  .badge.offline { background: #c62828; }
  button { font: inherit; padding: 8px 14px; border-radius: 8px; border: 0; background: #03a9f4; color: #fff; cursor: pointer; min-height: 40px; }
  button[disabled] { opacity: 0.5; cursor: default; }
  button.secondary { background: #757575; }
  input, select { font: inherit; font-size: 16px; padding: 6px 8px; border-radius: 6px; border: 1px solid #9e9e9e; max-width: 100%; box-sizing: border-box; }
  label { display: block; margin: 8px 0 4px; }
  form { margin: 0; }
  .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: right; padding: 2px 6px; overflow-wrap: anywhere; }
  th:first-child, td:first-child { text-align: left; }
  progress { width: 120px; }
`;
