import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const BASE = {
  ARI_USER: 'hotline',
  ARI_PASSWORD: 'ari-password-0123456789',
  AMI_USER: 'hotline',
  AMI_SECRET: 'ami-secret-0123456789',
  HOTLINE_ADMIN_TOKEN: 'admin-token-0123456789',
};

describe('channel secrets in the config', () => {
  it('leaves Open311 posting and the SMS webhook off unless configured', () => {
    const config = loadConfig(BASE);
    expect(config.open311ApiKeys).toEqual([]);
    expect(config.smsWebhookToken).toBeUndefined();
    expect(loadConfig({ ...BASE, OPEN311_API_KEYS: ' ', SMS_WEBHOOK_TOKEN: '' }).open311ApiKeys).toEqual([]);
  });

  it('reads a comma-separated list of Open311 keys and the SMS token', () => {
    const config = loadConfig({
      ...BASE,
      OPEN311_API_KEYS: ' key-one-0123456789abcdef , key-two-0123456789abcdef,',
      SMS_WEBHOOK_TOKEN: ' sms-token-0123456789 ',
    });
    expect(config.open311ApiKeys).toEqual(['key-one-0123456789abcdef', 'key-two-0123456789abcdef']);
    expect(config.smsWebhookToken).toBe('sms-token-0123456789');
  });

  it('refuses secrets short enough to guess, naming the key', () => {
    expect(() => loadConfig({ ...BASE, OPEN311_API_KEYS: 'key-one-0123456789abcdef,short' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, OPEN311_API_KEYS: 'short' })).toThrow(/OPEN311_API_KEYS/);
    expect(() => loadConfig({ ...BASE, SMS_WEBHOOK_TOKEN: 'short' })).toThrow(/SMS_WEBHOOK_TOKEN/);
  });

  it.each(['HOTLINE_ADMIN_TOKEN', 'ARI_PASSWORD', 'AMI_SECRET'])('refuses a %s under 16 characters, naming it', (key) => {
    expect(() => loadConfig({ ...BASE, [key]: 'x' })).toThrow(new RegExp(`${key}: a secret must have at least 16 characters`));
    expect(() => loadConfig({ ...BASE, [key]: '0123456789abcde' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, [key]: '0123456789abcdef' })).not.toThrow();
  });

  it('refuses a secret with a line break (it would split the AMI login)', () => {
    expect(() => loadConfig({ ...BASE, AMI_SECRET: 'ami-secret-0123456789\r\nAction: Command' })).toThrow(/AMI_SECRET: .*control/);
  });
});

describe('survey config', () => {
  it('defaults to 10 calls at once, Saturday–Thursday 09:00–20:00, 2 h after closing', () => {
    const { surveys } = loadConfig(BASE);
    expect(surveys.maxConcurrent).toBe(10);
    expect(surveys.window.firstAttemptDelayMs).toBe(2 * 3_600_000);
    expect(surveys.window.weekly.friday).toBeNull();
    expect(surveys.window.weekly.saturday).toEqual({ open: '09:00', close: '20:00' });
  });

  it('reads the keys', () => {
    const { surveys } = loadConfig({
      ...BASE,
      SURVEY_MAX_CONCURRENT: '4',
      SURVEY_FIRST_DELAY_HOURS: '0.5',
      SURVEY_CALLING_DAYS: 'sunday,tuesday',
      SURVEY_CALLING_HOURS: '10:00-12:30',
    });
    expect(surveys.maxConcurrent).toBe(4);
    expect(surveys.window.firstAttemptDelayMs).toBe(30 * 60_000);
    expect(surveys.window.weekly.sunday).toEqual({ open: '10:00', close: '12:30' });
    expect(surveys.window.weekly.saturday).toBeNull();
  });

  it.each([
    ['SURVEY_MAX_CONCURRENT', '0'],
    ['SURVEY_FIRST_DELAY_HOURS', '-1'],
    ['SURVEY_CALLING_DAYS', 'weekdays'],
    ['SURVEY_CALLING_HOURS', '20:00-09:00'],
    ['SURVEY_CALLING_HOURS', '09:00'],
  ])('refuses %s=%s', (key, value) => {
    expect(() => loadConfig({ ...BASE, [key]: value })).toThrow(ConfigError);
  });
});

describe('metrics in the config', () => {
  it('serves /metrics unless METRICS_ENABLED says false, and refuses a typo', () => {
    expect(loadConfig(BASE).metricsEnabled).toBe(true);
    expect(loadConfig({ ...BASE, METRICS_ENABLED: 'false' }).metricsEnabled).toBe(false);
    expect(loadConfig({ ...BASE, METRICS_ENABLED: 'true' }).metricsEnabled).toBe(true);
    expect(() => loadConfig({ ...BASE, METRICS_ENABLED: 'flase' })).toThrow(/METRICS_ENABLED/);
  });
});

describe('TRUST_PROXY', () => {
  it('trusts no proxy by default', () => {
    expect(loadConfig(BASE).trustProxy).toBe(false);
    expect(loadConfig({ ...BASE, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it('reads a hop count or a list of addresses and CIDRs', () => {
    expect(loadConfig({ ...BASE, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ ...BASE, TRUST_PROXY: '10.0.0.5, 192.168.0.0/16,::1' }).trustProxy).toEqual(['10.0.0.5', '192.168.0.0/16', '::1']);
  });

  it('refuses true (every client could pick its address), 0 hops and names', () => {
    for (const value of ['true', '0', 'proxy.local', '10.0.0.0/8,*']) {
      expect(() => loadConfig({ ...BASE, TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
    }
  });
});

describe('API_RATE_LIMIT_PER_MINUTE', () => {
  it('allows 300 a minute per address unless raised for a large office behind one NAT', () => {
    expect(loadConfig(BASE).apiRateLimitPerMinute).toBe(300);
    expect(loadConfig({ ...BASE, API_RATE_LIMIT_PER_MINUTE: '2000' }).apiRateLimitPerMinute).toBe(2000);
    for (const value of ['0', '5', 'lots']) {
      expect(() => loadConfig({ ...BASE, API_RATE_LIMIT_PER_MINUTE: value })).toThrow(/API_RATE_LIMIT_PER_MINUTE/);
    }
  });
});

describe('metrics and docs', () => {
  it('serves both openly by default; METRICS_TOKEN must be a real secret', () => {
    expect(loadConfig(BASE)).toMatchObject({ metricsEnabled: true, metricsToken: undefined, docsEnabled: true });
    expect(loadConfig({ ...BASE, METRICS_TOKEN: 'metrics-token-0123456789', DOCS_ENABLED: 'false' })).toMatchObject({
      metricsToken: 'metrics-token-0123456789',
      docsEnabled: false,
    });
    expect(() => loadConfig({ ...BASE, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });
});

describe('database time limits in the config', () => {
  it('defaults to 5 s to connect, 10 s a statement, 12 s a query, 30 s idle in a transaction', () => {
    expect(loadConfig(BASE).databaseTimeouts).toEqual({ connectMs: 5_000, statementMs: 10_000, queryMs: 12_000, idleInTransactionMs: 30_000 });
  });

  it('reads the keys and refuses a limit that is no number of milliseconds', () => {
    const config = loadConfig({ ...BASE, DB_CONNECT_TIMEOUT_MS: '2000', DB_STATEMENT_TIMEOUT_MS: '3000', DB_QUERY_TIMEOUT_MS: '4000', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '60000' });
    expect(config.databaseTimeouts).toEqual({ connectMs: 2_000, statementMs: 3_000, queryMs: 4_000, idleInTransactionMs: 60_000 });
    expect(() => loadConfig({ ...BASE, DB_QUERY_TIMEOUT_MS: 'soon' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...BASE, DB_STATEMENT_TIMEOUT_MS: '0' })).toThrow(/DB_STATEMENT_TIMEOUT_MS/);
  });
});

describe('the Asterisk nodes in the config', () => {
  it('is the node of ARI_URL/AMI_* alone, named a, by default', () => {
    const { nodes } = loadConfig(BASE);
    expect(nodes).toEqual([
      {
        name: 'a',
        ari: { url: 'http://127.0.0.1:8088', user: 'hotline', password: BASE.ARI_PASSWORD, app: 'hotline' },
        ami: { host: '127.0.0.1', port: 5038, user: 'hotline', secret: BASE.AMI_SECRET },
      },
    ]);
  });

  it("adds every node of ASTERISK_NODES, each with the first node's credentials unless its own are set", () => {
    const { nodes } = loadConfig({
      ...BASE,
      ASTERISK_NODE_NAME: 'tehran-1',
      ASTERISK_NODES: 'tehran-2, b',
      ASTERISK_TEHRAN_2_ARI_URL: 'http://10.0.0.2:8088',
      ASTERISK_TEHRAN_2_AMI_HOST: '10.0.0.2',
      ASTERISK_B_ARI_URL: 'http://127.0.0.1:8090',
      ASTERISK_B_AMI_HOST: '127.0.0.1',
      ASTERISK_B_AMI_PORT: '5039',
      ASTERISK_B_AMI_SECRET: 'node-b-secret-0123456789',
    });
    expect(nodes.map((n) => [n.name, n.ari.url, n.ami.host, n.ami.port, n.ami.secret, n.ari.password])).toEqual([
      ['tehran-1', 'http://127.0.0.1:8088', '127.0.0.1', 5038, BASE.AMI_SECRET, BASE.ARI_PASSWORD],
      ['tehran-2', 'http://10.0.0.2:8088', '10.0.0.2', 5038, BASE.AMI_SECRET, BASE.ARI_PASSWORD],
      ['b', 'http://127.0.0.1:8090', '127.0.0.1', 5039, 'node-b-secret-0123456789', BASE.ARI_PASSWORD],
    ]);
  });

  it('refuses a node without its addresses, a bad or repeated name, and a short secret, naming the key', () => {
    expect(() => loadConfig({ ...BASE, ASTERISK_NODES: 'b' })).toThrow(/ASTERISK_B_ARI_URL and ASTERISK_B_AMI_HOST/);
    expect(() => loadConfig({ ...BASE, ASTERISK_NODES: 'B!' })).toThrow(/node name B! must be/);
    const b = { ASTERISK_B_ARI_URL: 'http://127.0.0.1:8090', ASTERISK_B_AMI_HOST: '127.0.0.1' };
    expect(() => loadConfig({ ...BASE, ...b, ASTERISK_NODES: 'b,b' })).toThrow(/its own name/);
    expect(() => loadConfig({ ...BASE, ...b, ASTERISK_NODE_NAME: 'b', ASTERISK_NODES: 'b' })).toThrow(/its own name/);
    expect(() => loadConfig({ ...BASE, ...b, ASTERISK_NODES: 'b', ASTERISK_B_AMI_SECRET: 'short' })).toThrow(/ASTERISK_B_AMI_SECRET: a secret/);
  });
});
