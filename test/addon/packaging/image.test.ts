// What the add-on image is made of (home-assistant.md §1.4, §1.6): the Dockerfile builds from the Home Assistant
// base image with Node and ships the add-on bundle, the panel and the matching device firmware; s6-overlay runs
// the add-on; the AppArmor profile carries the slug's name. Read from the files (no Docker daemon in CI).
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../../..');
const read = (file: string): string => readFileSync(resolve(ROOT, file), 'utf8');
const config = parse(read('config.yaml')) as { slug: string; version: string };
const SERVICE = 'rootfs/etc/services.d/mep-bridge';

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: (op as string).toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = instructions(read('Dockerfile'));
/** The instructions of the last stage: what ends up in the add-on image. */
const finalStage = dockerfile.slice(dockerfile.map((i) => i.op).lastIndexOf('FROM'));

describe('Dockerfile', () => {
  test('the add-on stage is the Home Assistant base image (3.24), given as BUILD_FROM before any FROM', () => {
    expect(dockerfile[0]).toEqual({ op: 'ARG', args: 'BUILD_FROM=ghcr.io/home-assistant/base:3.24' });
    expect(finalStage[0]).toEqual({ op: 'FROM', args: expect.stringMatching(/^\$\{?BUILD_FROM\}?$/) });
  });

  test("installs Alpine's nodejs and copies the bundle, the panel and the device firmware into the image", () => {
    const runs = finalStage.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(runs).toContainEqual(expect.stringMatching(/apk add --no-cache (.* )?nodejs\b/));
    const copies = finalStage.filter((i) => i.op === 'COPY').map((i) => i.args);
    expect(copies).toContainEqual(expect.stringMatching(/\bdist\/addon\/ \/app\/$/)); // main.mjs + panel/
    expect(copies).toContainEqual(expect.stringMatching(/\bdist\/firmware\.bin \S*dist\/update\.wwws \/app\/firmware\/$/));
    expect(copies).toContainEqual('rootfs /');
  });

  test('the build stage produces every file the add-on stage copies', () => {
    const build = read('Dockerfile');
    for (const built of ['dist/addon/main.mjs', 'dist/addon/panel/index.html', 'dist/firmware.bin', 'dist/update.wwws']) expect(build).toContain(`test -f ${built}`);
    expect(build).toMatch(/npx tsx addon\/build\/build\.ts/);
    expect(build).toMatch(/npm run build/);
  });

  test('HEALTHCHECK asks the panel /health on the ingress port, from inside the container', () => {
    const health = finalStage.filter((i) => i.op === 'HEALTHCHECK');
    expect(health).toHaveLength(1);
    expect(health[0]?.args).toMatch(/CMD curl -fsS http:\/\/127\.0\.0\.1:8099\/health/);
  });

  test('labels name the add-on for Home Assistant and OCI', () => {
    const labels = finalStage.filter((i) => i.op === 'LABEL').map((i) => i.args).join(' ');
    for (const key of ['io.hass.name', 'io.hass.description', 'io.hass.type="app"', 'io.hass.version', 'io.hass.arch', 'org.opencontainers.image.title']) expect(labels).toContain(key);
  });

  test('.dockerignore keeps local builds and dependencies out but not the sources the build stage needs', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
    for (const needed of ['package.json', 'package-lock.json', 'addon', 'device', 'discovery', 'ota', 'tools', 'rootfs', 'tsconfig.json']) {
      expect({ needed, ignored: ignored.includes(needed) }).toEqual({ needed, ignored: false });
    }
  });
});

describe('s6-overlay service and AppArmor', () => {
  test('run starts the bundle with Node under bashio; finish stops the add-on on a crash', () => {
    const run = read(`${SERVICE}/run`);
    expect(run.split('\n')[0]).toBe('#!/usr/bin/with-contenv bashio');
    expect(run).toMatch(/^exec node (--\S+ )*\/app\/main\.mjs\b/m);
    expect(run).toContain('--options /data/options.json');
    expect(run).toContain('--catalog-dir /app/firmware');
    expect(run).toContain('--panel-assets /app/panel');
    const finish = read(`${SERVICE}/finish`);
    expect(finish.split('\n')[0]).toBe('#!/usr/bin/env bashio');
    expect(finish).toContain('/run/s6/basedir/bin/halt');
  });

  test('both scripts are executable in git and are valid shell', () => {
    const modes = execFileSync('git', ['ls-files', '--stage', '--', SERVICE], { cwd: ROOT, encoding: 'utf8' });
    const listed = modes.trim().split('\n').map((line) => [line.split(/\s+/)[3], line.split(/\s+/)[0]]);
    expect(Object.fromEntries(listed)).toEqual({ [`${SERVICE}/finish`]: '100755', [`${SERVICE}/run`]: '100755' });
    for (const script of ['run', 'finish']) execFileSync('bash', ['-n', resolve(ROOT, SERVICE, script)]);
  });

  test('the AppArmor profile is named after the slug, and the slug is one the Supervisor accepts', () => {
    expect(config.slug).toMatch(/^[-_.A-Za-z0-9]+$/);
    expect(read('apparmor.txt')).toMatch(new RegExp(`^profile ${config.slug} flags=`, 'm'));
    expect(read('apparmor.txt')).toMatch(/^\s+\/data\/\*\* rwk?,$/m);
  });

  test('Node runs in its own child profile, which may write only /data and /tmp', () => {
    const profile = read('apparmor.txt');
    expect(profile.split('{').length).toBe(profile.split('}').length); // balanced blocks
    const child = /^\s+\/usr\/bin\/node cx -> (\S+),$/m.exec(profile)?.[1];
    expect(child).toBeDefined();
    const body = profile.slice(profile.indexOf(`profile ${child} `));
    expect(body).toMatch(/^\s+\/app\/\*\* r,$/m);
    const writable = [...body.matchAll(/^\s+(\/\S+) ([a-z]+),$/gm)].filter(([, , perms]) => /w/.test(perms as string)).map(([, path]) => path);
    expect(writable.sort()).toEqual(['/data/**', '/dev/tty', '/tmp/**']);
  });
});

describe('store documents', () => {
  test("DOCS.md covers installing, the three broker choices, device logins and an ACL, the MBK key, updates, Energy", () => {
    const docs = read('DOCS.md');
    for (const heading of [/^## Install/m, /^## MQTT broker/m, /^### Embedded broker/m, /^### Mosquitto ACL/m, /^## MBK key/m, /^## Firmware updates/m, /^## Energy dashboard/m]) {
      expect(docs).toMatch(heading);
    }
    expect(docs).toMatch(/^topic (read|write|readwrite) /m); // the ACL recipe itself
  });

  test('CHANGELOG.md has an entry for the current version', () => {
    expect(read('CHANGELOG.md')).toMatch(new RegExp(`^## \\[?${config.version.replace(/\./g, '\\.')}\\]?`, 'm'));
  });
});
