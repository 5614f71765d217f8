// `madoguchi cases ...`: the counter's case lookups for supervisors and IT administrators.
// A result shows a My Number only masked (its last four digits), as the counter screens do.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { latestVersion } from '../../../db/migrations';
import { openStore, schemaVersion } from '../../../db/open';
import { maskMyNumber } from '../../../domain/my-number';
import { formatTable } from '../../../domain/text-table';
import { MAX_SEARCH_LIMIT, searchCases, SearchError, type SearchPage } from '../../cases/search';
import { STORE_FILE } from '../../config/data-dir';
import { CommandFailure, type CliIo, type Command, type GlobalOptions } from '../command';
import { withKey } from '../store-key';
import { UsageError } from '../usage-error';

const SEARCH_USAGE = 'madoguchi cases search QUERY [--limit N] [--cursor C]';
const USAGE = `madoguchi cases search QUERY [--limit N] [--cursor C]

QUERY is what the applicant hands over: a My Number, an application ID, a card serial, a
birth date (1980-02-17, 昭和55年2月17日, S55.2.17) or a name in kana, Latin letters or kanji
(the start of it is enough; width and hiragana/katakana do not matter).
  --limit N    Results per page, 1 to ${MAX_SEARCH_LIMIT} (default 50)
  --cursor C   The next-page cursor a previous search printed`;

export const casesCommand: Command = {
  summary: 'Search cases by My Number, application ID, card serial, birth date or name',
  usage: SEARCH_USAGE,
  help: () => `Usage: ${USAGE}`,
  async run(args, global, io) {
    const [name, ...rest] = args;
    if (name !== 'search') {
      throw new UsageError(
        `${name === undefined ? 'Name a cases subcommand.' : `Unknown cases subcommand "${name}".`}\nUsage: ${SEARCH_USAGE}`,
      );
    }
    let parsed: ReturnType<typeof parseSearchArgs>;
    try {
      parsed = parseSearchArgs(rest);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(
        `${error instanceof Error ? error.message : String(error)}\nUsage: ${SEARCH_USAGE}`,
      );
    }
    const page = await search(global, io, parsed);
    print(io, global, page);
    return 0;
  },
};

function parseSearchArgs(args: string[]): { query: string; limit?: number; cursor?: string } {
  const { values, positionals } = parseArgs({
    args,
    options: { limit: { type: 'string' }, cursor: { type: 'string' } },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1) {
    throw new UsageError(
      `search takes one QUERY (quote a name with spaces).\nUsage: ${SEARCH_USAGE}`,
    );
  }
  const limitText = values.limit;
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (
    limit !== undefined &&
    (!/^[0-9]+$/.test(limitText ?? '') || limit < 1 || limit > MAX_SEARCH_LIMIT)
  ) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_SEARCH_LIMIT}.`);
  }
  return {
    query: positionals[0] ?? '',
    ...(limit !== undefined ? { limit } : {}),
    ...(values.cursor !== undefined ? { cursor: values.cursor } : {}),
  };
}

async function search(
  global: GlobalOptions,
  io: CliIo,
  args: { query: string; limit?: number; cursor?: string },
): Promise<SearchPage> {
  const storePath = join(global.dataDir, STORE_FILE);
  return withKey({ global, io, storePath }, (key) => searchWithKey(storePath, key, args));
}

function searchWithKey(
  storePath: string,
  key: Buffer,
  args: { query: string; limit?: number; cursor?: string },
): SearchPage {
  try {
    const db = openStore({ path: storePath, key, readonly: true });
    try {
      const version = schemaVersion(db);
      if (version < latestVersion()) {
        throw new CommandFailure(
          'STORE_NEEDS_MIGRATE',
          `The store is at schema ${version}; search needs ${latestVersion()}. Run "madoguchi db migrate" first.`,
        );
      }
      return searchCases(db, args.query, {
        ...(args.limit !== undefined ? { limit: args.limit } : {}),
        cursor: args.cursor ?? null,
      });
    } finally {
      db.close();
    }
  } catch (error) {
    // A query or cursor the search cannot take is a usage mistake, not a failure.
    if (error instanceof SearchError) throw new UsageError(error.message);
    throw error;
  }
}

function print(io: CliIo, global: GlobalOptions, page: SearchPage): void {
  if (global.json) {
    io.stdout(JSON.stringify(page, null, 2));
    return;
  }
  if (page.hits.length === 0) {
    io.stdout(`No cases found (searched as ${page.kind}).`);
    return;
  }
  io.stdout(
    formatTable(
      ['APPLICATION', 'KANA', 'KANJI', 'LATIN', 'BORN', 'MY NUMBER', 'CARD', 'CARD STATE'],
      page.hits.map((hit) => [
        hit.applicationId,
        hit.nameKana,
        hit.nameKanji,
        hit.nameLatin ?? '',
        hit.birthDate,
        maskMyNumber(hit.myNumberLast4),
        hit.card?.serial ?? '',
        hit.card?.state ?? '',
      ]),
    ),
  );
  io.stdout(
    page.nextCursor
      ? `\nMore results: add --cursor ${page.nextCursor}`
      : `\n${page.hits.length} case(s) (searched as ${page.kind}).`,
  );
}
