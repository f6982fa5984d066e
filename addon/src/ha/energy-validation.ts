// Home Assistant's `energy/validate` answer, reduced to what concerns our meter, in words for the panel
// (home-assistant.md §4.1, §4.3). The answer's lists run parallel to the prefs lists; each issue names its
// `type` and `affected_entities` ([entity_id, value] pairs). Advisory only: the prefs are saved either way.

const EXPLANATIONS: { [type: string]: string } = {
  statistics_not_defined: 'has no long-term statistics yet (Home Assistant compiles them every 5 minutes after the first reading)',
  entity_not_defined: 'is not known to Home Assistant yet (is the MQTT integration connected to the same broker?)',
  recorder_untracked: 'is excluded from the recorder, so the Energy dashboard cannot use it',
  entity_unavailable: 'is unavailable right now',
  entity_state_non_numeric: 'does not have a numeric value',
  entity_negative_state: 'has a negative value',
  entity_unexpected_unit_energy: 'has a unit the Energy dashboard does not accept',
  entity_unexpected_unit_power: 'has a unit the Energy dashboard does not accept',
  entity_unexpected_state_class: 'has a state class the Energy dashboard does not accept',
  entity_unexpected_device_class: 'has a device class the Energy dashboard does not accept',
};

/** One sentence per issue about one of `ours`, e.g. "sensor.x has no long-term statistics yet (…)". */
export function describeEnergyIssues(result: unknown, ours: readonly string[]): string[] {
  const out: string[] = [];
  if (result === null || typeof result !== 'object') return out;
  for (const list of Object.values(result as { [key: string]: unknown })) {
    if (!Array.isArray(list)) continue;
    for (const issues of list) {
      if (!Array.isArray(issues)) continue;
      for (const issue of issues) collect(issue, ours, out);
    }
  }
  return [...new Set(out)];
}

function collect(issue: unknown, ours: readonly string[], out: string[]): void {
  if (issue === null || typeof issue !== 'object') return;
  const { type, affected_entities: affected } = issue as { type?: unknown; affected_entities?: unknown };
  if (typeof type !== 'string' || !Array.isArray(affected)) return;
  for (const pair of affected) {
    const entityId = Array.isArray(pair) ? pair[0] : undefined;
    if (typeof entityId !== 'string' || !ours.includes(entityId)) continue;
    out.push(`${entityId} ${EXPLANATIONS[type] ?? `has a problem Home Assistant calls "${type}"`}`);
  }
}
