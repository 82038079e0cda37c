import crypto from 'node:crypto';
import type { Prompt } from '../core/model';
import { NotFoundError } from './errors';
import type { Row, Sql } from './sql';
import { jsonOr, str, strOrNull } from './sql';

export interface NewPrompt {
  title: string;
  content?: string;
  filePath?: string | null;
  tags?: string[];
}

export type PromptPatch = Partial<NewPrompt>;

function toPrompt(r: Row): Prompt {
  return {
    id: str(r.id),
    title: str(r.title),
    content: str(r.content),
    filePath: strOrNull(r.file_path),
    tags: jsonOr<string[]>(r.tags, []),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
  };
}

export class PromptRepository {
  constructor(
    private readonly _sql: Sql,
    private readonly _now: () => string,
  ) {}

  insert(input: NewPrompt): Prompt {
    const now = this._now();
    const id = crypto.randomUUID();
    this._sql.run(
      'INSERT INTO prompts (id, title, content, file_path, tags, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [
        id,
        input.title,
        input.content ?? '',
        input.filePath ?? null,
        JSON.stringify(input.tags ?? []),
        now,
        now,
      ],
    );
    return this.require(id);
  }

  get(id: string): Prompt | undefined {
    const row = this._sql.get('SELECT * FROM prompts WHERE id = ?', [id]);
    return row ? toPrompt(row) : undefined;
  }

  require(id: string): Prompt {
    const prompt = this.get(id);
    if (!prompt) throw new NotFoundError('prompt', id);
    return prompt;
  }

  list(): Prompt[] {
    return this._sql.all('SELECT * FROM prompts ORDER BY created_at, id').map(toPrompt);
  }

  update(id: string, patch: PromptPatch): Prompt {
    const current = this.require(id);
    const next = { ...current, ...patch };
    this._sql.run(
      'UPDATE prompts SET title = ?, content = ?, file_path = ?, tags = ?, updated_at = ? WHERE id = ?',
      [next.title, next.content, next.filePath ?? null, JSON.stringify(next.tags ?? []), this._now(), id],
    );
    return this.require(id);
  }

  /** Deletes a prompt no job uses any more; returns false when it is still referenced. */
  removeIfUnused(id: string): boolean {
    const used = this._sql.get('SELECT 1 AS used FROM jobs WHERE prompt_id = ? LIMIT 1', [id]);
    if (used) return false;
    return this._sql.run('DELETE FROM prompts WHERE id = ?', [id]) > 0;
  }
}
