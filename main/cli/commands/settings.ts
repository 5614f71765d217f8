// `madoguchi settings` and `madoguchi settings content-protection on|off`: the terminal
// settings an administrator decides outside the counter screens. Content protection hides the
// counter window from screen capture and recording; the app applies it when it starts.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../../../db/open';
import { STORE_FILE } from '../../config/data-dir';
import { EventBus } from '../../core/event-bus';
import { SettingsService } from '../../settings/settings-service';
import type { CliIo, Command, GlobalOptions } from '../command';
import { withKey } from '../store-key';
import { UsageError } from '../usage-error';

const USAGE = `madoguchi settings [--json]
       madoguchi settings content-protection on|off`;

const HELP = `Usage: ${USAGE}

settings                         Shows this terminal's settings.
settings content-protection on   Hides the counter window from screen capture and recording
                                 (Windows, macOS) from the next start of the app.
settings content-protection off  Allows screen capture again (the default).`;

export const settingsCommand: Command = {
  summary: "This terminal's settings: show, content-protection on|off",
  usage: USAGE,
  help: () => HELP,
  async run(args, global, io) {
    const { positionals } = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
    const [name, value, ...extra] = positionals;
    if (name === undefined) return show(global, io);
    if (name !== 'content-protection' || (value !== 'on' && value !== 'off') || extra.length > 0) {
      throw new UsageError(`Unknown settings change.\nUsage: ${USAGE}`);
    }
    await withSettings(global, io, (settings) => settings.setContentProtection(value === 'on'));
    if (global.json) io.stdout(JSON.stringify({ contentProtection: value === 'on' }));
    else
      io.stdout(
        `Content protection is ${value}. The app applies it to its window when it next starts.`,
      );
    return 0;
  },
};

async function show(global: GlobalOptions, io: CliIo): Promise<number> {
  const shown = await withSettings(global, io, (settings) => ({
    ...settings.get(),
    contentProtection: settings.contentProtection(),
    retentionDays: settings.retentionDays(),
  }));
  if (global.json) io.stdout(JSON.stringify(shown, null, 2));
  else
    io.stdout(
      [
        `language            ${shown.language}`,
        `content protection  ${shown.contentProtection ? 'on' : 'off'}`,
        `retention           ${shown.retentionDays} days`,
      ].join('\n'),
    );
  return 0;
}

function withSettings<T>(
  global: GlobalOptions,
  io: CliIo,
  use: (settings: SettingsService) => T,
): Promise<T> {
  const storePath = join(global.dataDir, STORE_FILE);
  return withKey({ global, io, storePath }, (key) => {
    const db = openStore({ path: storePath, key });
    try {
      return use(new SettingsService(db, new EventBus()));
    } finally {
      db.close();
    }
  });
}
