// The trust_roots configuration stream end to end: an administrator of central trusts JPKI
// roots with `madoguchi-central trust add`, the real central service (HTTPS + mTLS on
// loopback) serves them signed, and a terminal's sync run puts them in its trust store, where
// a test root serves training mode only.

import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCentralCli } from '../../central/cli';
import { MyNumberCard } from '../../main/card/mynumber/client';
import { fixtureCard } from '../../main/card/mynumber/testing';
import { validateCardCertificate } from '../../main/card/trust/chain';
import { TrustStore } from '../../main/card/trust/trust-store';
import { virtualCardChannel } from '../../main/card/virtual/channel';
import { processTestJpki } from '../../main/card/virtual/test-jpki';
import { streamCursor } from '../../main/sync/streams';
import { rawPublicKey } from '../../sync/signing';
import { createWorld } from './world';

/** J-LIS's public roots; read from the shared fixtures, never copied into the repository. */
const ROOTS_DIR = join(import.meta.dirname, '../../../shared/fixtures/jpki-roots');

async function central(args: string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const code = await runCentralCli(args, {
    stdout: (t) => out.push(t),
    stderr: (t) => out.push(t),
    env: {},
  });
  return { code, stdout: out.join('\n') };
}

/** The test JPKI's authentication root, as a file an administrator would hand central. */
async function testRootFile(dir: string): Promise<string> {
  const jpki = await processTestJpki();
  const file = join(dir, 'test-auth-root.der');
  writeFileSync(file, new Uint8Array(jpki.authRoot.rawData));
  return file;
}

describe('the trust_roots configuration stream', () => {
  it('brings the roots central trusts into the terminal’s trust store; a test root serves training only', async () => {
    const world = await createWorld({ terminals: 1 });
    const [terminal] = world.terminals;
    if (!terminal) throw new Error('one terminal');
    const dir = world.centralDir;
    for (const file of ['auth_ca_2015.pem', 'auth_ca_2023.pem']) {
      expect((await central(['trust', 'add', join(ROOTS_DIR, file), '--data-dir', dir])).code).toBe(
        0,
      );
    }
    const added = await central([
      'trust',
      'add',
      await testRootFile(world.root),
      '--test',
      '--data-dir',
      dir,
      '--json',
    ]);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ ok: true, added: true, root: { test: true } });
    // Not a root: refused at central with a reason, nothing added.
    const leaf = await new MyNumberCard(
      virtualCardChannel(await fixtureCard('issued')),
    ).readCertificate('auth');
    const leafFile = join(world.root, 'leaf.der');
    writeFileSync(leafFile, leaf.der);
    const refused = await central(['trust', 'add', leafFile, '--data-dir', dir]);
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stdout).toContain('CENTRAL_BAD_INPUT');

    expect(await terminal.sync()).toMatchObject({ outcome: { ok: true } });
    const trust = new TrustStore(terminal.db);
    expect(trust.list().map(({ serial, source, test }) => ({ serial, source, test }))).toEqual(
      expect.arrayContaining([
        { serial: '01', source: 'central', test: false },
        { serial: '06D18006', source: 'central', test: false },
        expect.objectContaining({ source: 'central', test: true }),
      ]),
    );
    expect(trust.list()).toHaveLength(3);
    expect(streamCursor(terminal.db, 'trust_roots')).toBe('3');

    // A card of the test JPKI: its root came from central flagged test.
    const card = leaf.certificate;
    const at = new Date();
    expect(validateCardCertificate(card, trust.anchors(), { at, mode: 'production' })).toEqual({
      valid: false,
      problem: 'test-anchor-in-production',
    });
    expect(validateCardCertificate(card, trust.anchors(), { at, mode: 'training' })).toMatchObject({
      valid: true,
    });

    // The next run finds nothing new; the cursor stays.
    expect(await terminal.sync()).toMatchObject({ outcome: { ok: true }, downloaded: 0 });
    expect(trust.list()).toHaveLength(3);
  }, 60_000);

  it('refuses roots not signed with the key pinned at enrollment, and keeps what it trusts', async () => {
    const world = await createWorld({ terminals: 1 });
    const [terminal] = world.terminals;
    if (!terminal) throw new Error('one terminal');
    expect(
      (
        await central([
          'trust',
          'add',
          join(ROOTS_DIR, 'auth_ca_2023.pem'),
          '--data-dir',
          world.centralDir,
        ])
      ).code,
    ).toBe(0);
    // The terminal pins another key than the one central signs with (an impostor's stream).
    const impostor = rawPublicKey(generateKeyPairSync('ed25519').publicKey);
    terminal.db
      .prepare('UPDATE sync_identity SET central_signing_key = ? WHERE id = 1')
      .run(impostor);
    const run = await terminal.sync();
    expect(run.outcome).toMatchObject({ ok: false, code: 'SYNC_BAD_ANSWER' });
    expect(run.outcome.ok === false && run.outcome.message).toContain('trust root');
    expect(new TrustStore(terminal.db).list()).toEqual([]);
    expect(streamCursor(terminal.db, 'trust_roots')).toBeNull();
  }, 60_000);
});
