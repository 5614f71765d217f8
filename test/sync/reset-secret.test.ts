// A card's reset secret end to end (docs/card-issuance-profile.md, docs/sync-protocol.md
// "Reset secret"): the real central service (HTTPS + mTLS on loopback) serves it per request,
// wrapped to the asking terminal, and records every request; the terminal unwraps it for the
// one step, and a virtual card made for the dispatched card accepts it in RESET RETRY COUNTER.
// Unknown cards, another office's cards, cards not handed over and an offline terminal are
// refused with their own codes.

import '../../main/card/trust/reflect-metadata';
import { describe, expect, it } from 'vitest';
import { seedOffice } from '../../central/admin';
import { runCentralCli } from '../../central/cli';
import { AuthService } from '../../main/auth/auth-service';
import { SecondPerson } from '../../main/auth/second-person';
import { MyNumberCard } from '../../main/card/mynumber/client';
import { ascii, fixtureCard } from '../../main/card/mynumber/testing';
import { virtualCardChannel } from '../../main/card/virtual/channel';
import { EventBus } from '../../main/core/event-bus';
import { createMemoryLogger } from '../../main/log/logger';
import { createCardAccess } from '../../main/counter/card-access';
import { PinResetService } from '../../main/counter/pin-reset';
import { liveResetSecrets, requestResetSecret } from '../../main/sync/reset-secret';
import { CentralClient } from '../../main/sync/transport';
import {
  newX25519KeyPair,
  unwrapSecret,
  WRAP_LABELS,
  x25519PrivateKey,
} from '../../sync/card-secret';
import { ResetSecretAnswerSchema, paths } from '../../sync/protocol';
import type { Logger } from '../../main/log/logger';
import { createWorld, handOverAll, type Terminal, type World } from './world';

const GOOD = 'counter-window-7';
const RESET = {
  attendee: 'holder' as const,
  documents: ['a-driving-licence' as const],
  secret: 'user-authentication-pin' as const,
  newValue: '3917',
  approval: { supervisorId: 'super01', password: GOOD, reason: '本人確認済み' },
};
const CLERK = { staffId: 'clerk01', role: 'clerk' as const };

/** The terminal's view of a card's holder (synced from central's applications stream). */
function holderOf(t: Terminal, serial: string): { myNumber: string; birthDate: string } {
  return t.db
    .prepare(
      `SELECT p.my_number AS myNumber, p.birth_date AS birthDate
       FROM card AS c JOIN application AS a ON a.application_id = c.application_id
       JOIN person AS p ON p.person_id = a.person_id WHERE c.card_serial = ?`,
    )
    .get(serial) as { myNumber: string; birthDate: string };
}

/**
 * The terminal's PIN reset with the live source (as services.ts wires it on a live terminal),
 * staff to sign and approve, and a virtual blocked-PIN card made for the dispatched card with
 * the two secrets central holds for it.
 */
async function counterFor(world: World, terminal: Terminal, serial: string, log: Logger) {
  const secrets = world.central.store.getCard(serial);
  if (!secrets?.secret || !secrets.resetSecret) throw new Error('central holds the secrets');
  const holder = holderOf(terminal, serial);
  const card = await fixtureCard('blocked-pins', (profile) => ({
    ...profile,
    myNumber: holder.myNumber,
    birthDate: holder.birthDate,
    cardSerial: serial,
    issuance: {
      ...profile.issuance,
      initializationSecret: secrets.secret!.toString('hex'),
      resetSecret: secrets.resetSecret!.toString('hex'),
    },
  }));
  const db = terminal.db;
  const now = () => new Date();
  const auth = new AuthService({ db, bus: new EventBus(), log, now });
  await auth.createFirstAdministrator({ staffId: 'admin01', displayName: 'A', password: GOOD });
  await auth.createStaff({ staffId: 'clerk01', displayName: 'C', role: 'clerk', password: GOOD });
  await auth.createStaff({
    staffId: 'super01',
    displayName: 'S',
    role: 'supervisor',
    password: GOOD,
  });
  const pinReset = new PinResetService({
    db,
    store: terminal.cases,
    cards: createCardAccess({ connect: async () => virtualCardChannel(card) }),
    secondPerson: new SecondPerson({ db, log, now }),
    resetSecret: liveResetSecrets(db, log),
    log,
    now,
  });
  return { card, pinReset };
}

/** Central's world with one terminal whose first card is handed over (and synced back). */
async function handedOverWorld() {
  const world = await createWorld({ terminals: 1, seed: { applications: 3, cards: 3 } });
  const [terminal] = world.terminals;
  if (!terminal) throw new Error('one terminal');
  await terminal.sync();
  expect(handOverAll(terminal, 1)).toBe(1);
  await terminal.sync();
  const serial = (
    terminal.db
      .prepare("SELECT card_serial FROM card WHERE state = 'handed-over'")
      .pluck()
      .get() as string
  ).toString();
  const dispatched = terminal.db
    .prepare("SELECT card_serial FROM card WHERE state = 'dispatched' ORDER BY 1")
    .pluck()
    .get() as string;
  expect(world.central.store.getCard(serial)?.state).toBe('handed-over');
  return { world, terminal, serial, dispatched };
}

describe('a card’s reset secret from central', () => {
  it('is served wrapped to this terminal only, resets a blocked PIN on the card, and is recorded', async () => {
    const { world, terminal, serial } = await handedOverWorld();
    const { log, records } = createMemoryLogger();
    const central = world.central.store.getCard(serial);
    if (!central?.resetSecret || !central.secret) throw new Error('central holds the secrets');
    // Two secrets, not one: what the handover held cannot reset the holder's PINs.
    expect(central.resetSecret.equals(central.secret)).toBe(false);

    // The whole counter step through the live source: identity, approval, the card.
    const { card, pinReset } = await counterFor(world, terminal, serial, log);
    const holder = holderOf(terminal, serial);
    const done = await pinReset.reset({ cardSerial: serial, ...RESET }, CLERK);
    expect(done.triesLeft).toBe(3);
    expect(card.secretStatus().userAuthenticationPin).toMatchObject({ triesLeft: 3 });

    // Central recorded who asked, for which card, why, and when; nothing personal.
    const [request] = world.central.store.listResetSecretRequests(serial);
    expect(request).toMatchObject({
      terminalId: terminal.identity.terminalId,
      officeId: terminal.identity.officeCode,
      cardSerial: serial,
      reason: 'pin-blocked',
      outcome: 'served',
      refusal: null,
    });
    expect(Date.now() - Date.parse(request?.requestedAt ?? '')).toBeLessThan(60_000);
    const logged = JSON.stringify(records);
    expect(logged).not.toContain(central.resetSecret.toString('hex'));
    expect(logged).not.toContain('3917');

    // Asked again directly: the same secret (fresh wrap each time); the card takes it too.
    const secret = await requestResetSecret(terminal.db, serial, 'pin-forgotten', { log });
    expect(Buffer.from(secret).equals(central.resetSecret)).toBe(true);
    const onCard = new MyNumberCard(virtualCardChannel(card));
    await onCard.resetSecret('card-info-input-pin', secret, ascii('5082'));
    // The client zeroed it once sent.
    expect(Buffer.from(secret).every((b) => b === 0)).toBe(true);
    expect(card.secretStatus().cardInfoInputPin).toMatchObject({ triesLeft: 3 });
    expect(world.central.store.listResetSecretRequests(serial).map((r) => r.reason)).toEqual([
      'pin-blocked',
      'pin-forgotten',
    ]);

    // On the wire: wrapped to this terminal's key only, under the reset label, not the
    // setup secret's; no personal data asked or answered.
    const { identity } = terminal;
    const client = new CentralClient(identity.centralUrl, {
      kind: 'mtls',
      keyPem: identity.tlsKeyPem,
      certPem: identity.tlsCertPem,
      caPem: identity.caCertPem,
    });
    try {
      const response = await client.json('POST', paths.resetSecret(identity.terminalId), {
        protocol: 1,
        card_serial: serial,
        reason: 'pin-forgotten',
      });
      expect(response.status).toBe(200);
      const body = response.body.toString('utf8');
      expect(body).not.toContain(holder.myNumber);
      const answer = ResetSecretAnswerSchema.parse(JSON.parse(body));
      const mine = x25519PrivateKey(identity.encryptionPrivateKey);
      expect(
        unwrapSecret(answer.wrapped_secret, mine, WRAP_LABELS.resetSecret, serial).equals(
          central.resetSecret,
        ),
      ).toBe(true);
      const other = x25519PrivateKey(newX25519KeyPair().privateKeyDer);
      expect(() =>
        unwrapSecret(answer.wrapped_secret, other, WRAP_LABELS.resetSecret, serial),
      ).toThrow(/does not open/);
      expect(() =>
        unwrapSecret(answer.wrapped_secret, mine, WRAP_LABELS.cardSecret, serial),
      ).toThrow(/does not open/);
      // Another terminal's path with this terminal's certificate is refused.
      const foreign = await client.json('POST', paths.resetSecret('T-SOMEONE-ELSE'), {
        protocol: 1,
        card_serial: serial,
        reason: 'pin-forgotten',
      });
      expect(foreign.status).toBe(403);
    } finally {
      client.close();
    }
  });

  it('refuses unknown cards, another office’s, and cards not handed over, recording each', async () => {
    const { world, terminal, dispatched } = await handedOverWorld();
    const { log } = createMemoryLogger();
    seedOffice(world.central.store, {
      officeId: '272001',
      seed: 2,
      applications: 1,
      cards: 1,
    });
    // seedOffice names its cards MC{seed}{office}{n}.
    const otherOffice = 'MC2272001000001';
    expect(world.central.store.getCard(otherOffice)?.officeId).toBe('272001');
    const ask = (serial: string) => requestResetSecret(terminal.db, serial, 'pin-blocked', { log });
    await expect(ask('NOSUCHCARD0001')).rejects.toMatchObject({
      code: 'RESET_SECRET_CARD_UNKNOWN',
    });
    await expect(ask(otherOffice)).rejects.toMatchObject({ code: 'RESET_SECRET_OTHER_OFFICE' });
    await expect(ask(dispatched)).rejects.toMatchObject({ code: 'RESET_SECRET_NOT_RESETTABLE' });
    expect(
      world.central.store
        .listResetSecretRequests()
        .map((r) => [r.cardSerial, r.outcome, r.refusal]),
    ).toEqual([
      ['NOSUCHCARD0001', 'refused', 'card_unknown'],
      [otherOffice, 'refused', 'card_other_office'],
      [dispatched, 'refused', 'card_not_resettable'],
    ]);
    // Central's administrators read them with the CLI.
    const out: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => out.push(t), env: {} };
    const args = ['resets', 'list', '--data-dir', world.centralDir, '--card', otherOffice];
    expect(await runCentralCli(args, io)).toBe(0);
    expect(out.join('\n')).toContain(
      `${otherOffice}  ${terminal.identity.terminalId} (${terminal.identity.officeCode})  pin-blocked  refused: card_other_office`,
    );
  });

  it('says RESET_SECRET_OFFLINE when central cannot be reached, and UNAVAILABLE once revoked', async () => {
    const { world, terminal, serial } = await handedOverWorld();
    const { log } = createMemoryLogger();
    const url = world.central.url;
    // A port nothing listens on: the connection is refused at once.
    terminal.setCentralUrl('https://127.0.0.1:9');
    const offline = requestResetSecret(terminal.db, serial, 'pin-blocked', { log });
    await expect(offline).rejects.toMatchObject({
      code: 'RESET_SECRET_OFFLINE',
      message: expect.stringMatching(/^PIN reset needs a connection to the central system;/),
    });
    expect(world.central.store.listResetSecretRequests()).toEqual([]);
    // At the counter: the clerk is told, nothing is reset on the card, nothing is recorded.
    const { card, pinReset } = await counterFor(world, terminal, serial, log);
    await expect(pinReset.reset({ cardSerial: serial, ...RESET }, CLERK)).rejects.toMatchObject({
      code: 'RESET_SECRET_OFFLINE',
    });
    expect(card.secretStatus().userAuthenticationPin).toMatchObject({ triesLeft: 0 });
    expect(
      terminal.db.prepare("SELECT count(*) FROM case_event WHERE type = 'pin-reset'").pluck().get(),
    ).toBe(0);
    terminal.setCentralUrl(url);
    world.central.store.setTerminalStatus(terminal.identity.terminalId, 'revoked', 'test');
    await expect(
      requestResetSecret(terminal.db, serial, 'pin-blocked', { log }),
    ).rejects.toMatchObject({ code: 'RESET_SECRET_UNAVAILABLE' });
    expect(world.central.store.listResetSecretRequests()).toEqual([]);
  });
});
