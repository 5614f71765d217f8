// `madoguchi doctor`: the checks an IT administrator runs first (main/doctor).

import { parseArgs } from 'node:util';
import { checkPcsc } from '../../card/pcsc-check';
import { keyFileProvider } from '../../config/key-file';
import { APP_NAME, APP_VERSION } from '../../core/version';
import { runDoctor, type CheckStatus } from '../../doctor/doctor';
import { formatTable } from '../../../domain/text-table';
import type { Command } from '../command';
import { UsageError } from '../usage-error';

const STATUS_LABEL: Record<CheckStatus, string> = {
  ok: 'OK',
  warn: 'WARN',
  fail: 'FAIL',
  skip: 'SKIP',
};

export const doctorCommand: Command = {
  summary: 'Check this terminal',
  usage: 'madoguchi doctor [--central URL] [--timeout MS]',
  async run(args, global, io) {
    const { values } = parseArgs({
      args,
      options: { central: { type: 'string' }, timeout: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    const timeoutMs = values.timeout === undefined ? 5000 : Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > 60_000) {
      throw new UsageError('--timeout takes a whole number of milliseconds between 1 and 60000.');
    }
    const report = await runDoctor({
      dataDir: global.dataDir,
      keyProvider: keyFileProvider(global.dataDir, io.env),
      centralUrl: values.central ?? io.env['MADOGUCHI_CENTRAL_URL'] ?? null,
      checkPcsc,
      timeoutMs,
    });
    if (global.json) {
      io.stdout(
        JSON.stringify({ version: APP_VERSION, dataDir: global.dataDir, ...report }, null, 2),
      );
    } else {
      io.stdout(`${APP_NAME} ${APP_VERSION} doctor — ${global.dataDir}\n`);
      io.stdout(
        formatTable(
          ['CHECK', 'STATUS', 'DETAIL'],
          report.checks.map((c) => [c.title, STATUS_LABEL[c.status], c.detail]),
        ),
      );
      io.stdout(report.ok ? '\nAll required checks passed.' : '\nSome checks failed: see DETAIL.');
    }
    return report.ok ? 0 : 1;
  },
};
