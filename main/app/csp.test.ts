import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_HEADER } from './csp';

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (!name) continue;
    expect(map.has(name), `directive ${name} stated twice`).toBe(false);
    map.set(name, values);
  }
  return map;
}

describe('the renderer Content-Security-Policy', () => {
  const policy = directives(CONTENT_SECURITY_POLICY);

  it("starts from default-src 'none'", () => {
    expect(policy.get('default-src')).toEqual(["'none'"]);
  });

  it("runs only the app's own scripts: no eval, no inline script, no other source", () => {
    expect(policy.get('script-src')).toEqual(["'self'"]);
  });

  it('gives the renderer no network and nothing to embed, post or re-base', () => {
    expect(policy.get('connect-src')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('frame-src')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
  });

  it('allows styles and fonts from the app only, and images also from data: and blob:', () => {
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('font-src')).toEqual(["'self'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
  });

  it('never contains an unsafe keyword, a wildcard or a network scheme anywhere', () => {
    for (const bad of [
      "'unsafe-eval'",
      "'unsafe-inline'",
      "'unsafe-hashes'",
      "'wasm-unsafe-eval'",
      '*',
      'http:',
      'https:',
      'ws:',
      'wss:',
      'file:',
    ]) {
      for (const [name, values] of policy)
        expect(values, `${name} contains ${bad}`).not.toContain(bad);
    }
  });

  it('is usable in a <meta> tag: no frame-ancestors, which meta would ignore', () => {
    expect(policy.has('frame-ancestors')).toBe(false);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/["<>]/);
  });

  it("adds frame-ancestors 'none' in the header form and changes nothing else", () => {
    const header = directives(CONTENT_SECURITY_POLICY_HEADER);
    expect(header.get('frame-ancestors')).toEqual(["'none'"]);
    header.delete('frame-ancestors');
    expect(header).toEqual(policy);
  });

  it("is the policy the renderer's index.html states in its meta tag", () => {
    const html = readFileSync(
      join(import.meta.dirname, '..', '..', 'renderer', 'index.html'),
      'utf8',
    );
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY);
  });
});

// Google's CSP Evaluator (the npm port electronegativity uses) as a second opinion. Its one
// remark on our policy is informational: "'self' can be problematic if you host JSONP,
// Angular or user uploaded files". app://counter serves only the files of our own build
// (main/app/app-asset.ts), so that does not apply; anything of higher severity fails.
interface CspFinding {
  type: number;
  severity: number;
  directive: string;
  value?: string;
}
interface CspEvaluatorModule {
  CspParser: new (policy: string) => { csp: unknown };
  CspEvaluator: new (csp: unknown, version: unknown) => { evaluate(): CspFinding[] };
  Version: { CSP3: unknown };
  severities: Record<'HIGH' | 'SYNTAX' | 'MEDIUM' | 'HIGH_MAYBE' | 'MEDIUM_MAYBE', number>;
}
const cspEvaluator = createRequire(import.meta.url)(
  '@doyensec/csp-evaluator',
) as CspEvaluatorModule;

function findings(policy: string): CspFinding[] {
  const parsed = new cspEvaluator.CspParser(policy).csp;
  return new cspEvaluator.CspEvaluator(parsed, cspEvaluator.Version.CSP3).evaluate();
}

describe("Google's CSP Evaluator on the policy", () => {
  const { severities } = cspEvaluator;

  it('finds nothing high, medium or syntactic in either form', () => {
    for (const policy of [CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_HEADER]) {
      const serious = findings(policy).filter((f) => f.severity < severities.MEDIUM_MAYBE);
      expect(serious).toEqual([]);
      const remarks = findings(policy).map((f) => `${f.directive} ${f.value ?? ''}`);
      expect(remarks).toEqual(["script-src 'self'"]);
    }
  });

  it('would flag the policy if someone weakened it', () => {
    const weakened = CONTENT_SECURITY_POLICY.replace(
      "script-src 'self'",
      "script-src 'self' 'unsafe-inline'",
    );
    expect(findings(weakened).some((f) => f.severity === severities.HIGH)).toBe(true);
  });
});
