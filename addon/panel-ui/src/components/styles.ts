// Shared look, after Home Assistant's: ha-card (rounded, hairline border), its type scale and colour variables
// (set for light and dark in index.html). Phone first: everything stacks, wide screens get columns.
import { css } from 'lit';

export const shared = css`
  :host { display: block; color: var(--primary-text-color); }
  .card {
    background: var(--card-background-color); border-radius: var(--ha-card-border-radius, 12px);
    border: 1px solid var(--ha-card-border-color, var(--divider-color)); padding: 16px; box-sizing: border-box; min-width: 0;
  }
  .card-header { font-size: 24px; line-height: 32px; font-weight: 400; margin: 0 0 12px; }
  h2 { font-size: 20px; line-height: 28px; font-weight: 400; margin: 0 0 8px; }
  h3 { font-size: 16px; line-height: 24px; font-weight: 500; margin: 16px 0 8px; }
  .muted, .secondary { color: var(--secondary-text-color); font-size: 14px; }
  .error { color: var(--mep-error-text); }
  .ok { color: var(--mep-ok-text); }
  .badge {
    display: inline-flex; align-items: center; gap: 4px; padding: 2px 10px; border-radius: 12px; font-size: 12px;
    font-weight: 500; line-height: 20px; background: #616161; color: #fff; white-space: nowrap;
  }
  .badge.ok { background: var(--success-color); }
  .badge.error { background: var(--error-color); }
  .badge.warning, .badge.update-available { background: var(--warning-color); color: #212121; }
  button {
    font: inherit; font-weight: 500; padding: 0 16px; border-radius: 18px; border: 0; min-height: 36px;
    background: var(--mep-button-color); color: #fff; cursor: pointer; letter-spacing: 0.02em;
  }
  button:focus-visible, input:focus-visible, select:focus-visible, [role='tab']:focus-visible { outline: 2px solid var(--primary-color); outline-offset: 2px; }
  button[disabled] { opacity: 0.55; cursor: default; }
  button.secondary { background: transparent; color: var(--primary-text-color); border: 1px solid var(--divider-color); }
  button.danger { background: var(--error-color); }
  input, select {
    font: inherit; font-size: 16px; padding: 8px 10px; border-radius: 6px; border: 1px solid var(--secondary-text-color);
    background: var(--card-background-color); color: var(--primary-text-color); max-width: 100%; box-sizing: border-box;
  }
  select option { background: var(--card-background-color); color: var(--primary-text-color); }
  input[type='checkbox'] { width: 18px; height: 18px; }
  label { display: block; margin: 12px 0 4px; font-weight: 500; }
  .help { color: var(--secondary-text-color); font-size: 12px; margin-top: 2px; }
  form { margin: 0; }
  .row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  .value { font-size: 24px; line-height: 32px; white-space: nowrap; }
  .unit { font-size: 14px; color: var(--secondary-text-color); margin-left: 2px; }
  table { border-collapse: collapse; width: 100%; }
  th { font-weight: 500; color: var(--secondary-text-color); font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--divider-color); vertical-align: middle; }
  progress { width: 120px; accent-color: var(--primary-color); }
  .confirm { background: var(--secondary-background-color); border-left: 4px solid var(--warning-color); border-radius: 8px; padding: 12px; margin-top: 8px; }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
