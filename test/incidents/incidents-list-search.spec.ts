import request from 'supertest';
import { App } from 'supertest/types';
import { IncidentsTestApp, startIncidentsApp, tag } from './support';

/** The list filters the dashboard's incidents board uses: `assignee` ("mine") and `q`. */
let t: IncidentsTestApp;
let http: App;

beforeAll(async () => {
  t = await startIncidentsApp();
  http = t.app.getHttpServer() as App;
});

afterAll(async () => {
  await t?.close();
});

interface ListBody {
  items: { number: number; title: string; assignee: string | null }[];
  total: number;
}

async function open(title: string, assignee?: string): Promise<number> {
  const res = await request(http)
    .post('/api/incidents')
    .send({ title, severity: 3, category: 'other', ...(assignee ? { assignee } : {}) })
    .expect(201);
  return res.body.number as number;
}

describe('GET /api/incidents: assignee and q', () => {
  it('assignee keeps only the incidents assigned to exactly that name', async () => {
    const who = tag('user');
    const mine = await open(tag('mine'), who);
    await open(tag('theirs'), `${who}-other`);
    await open(tag('nobody'));
    const res = await request(http).get('/api/incidents').query({ assignee: who }).expect(200);
    const body = res.body as ListBody;
    expect(body.total).toBe(1);
    expect(body.items.map((i) => i.number)).toEqual([mine]);
  });

  it('q matches the title ignoring case, and LIKE wildcards only literally', async () => {
    const word = tag('Router');
    const hit = await open(`Core ${word} down`);
    await open('100% packet loss on something else');
    const res = await request(http)
      .get('/api/incidents')
      .query({ q: word.toUpperCase() })
      .expect(200);
    expect((res.body as ListBody).items.map((i) => i.number)).toEqual([hit]);
    const percent = await request(http).get('/api/incidents').query({ q: '0% p' }).expect(200);
    expect((percent.body as ListBody).items.map((i) => i.title)).toEqual([
      '100% packet loss on something else',
    ]);
    const wildcard = await request(http).get('/api/incidents').query({ q: '%' }).expect(200);
    expect((wildcard.body as ListBody).items.every((i) => i.title.includes('%'))).toBe(true);
  });

  it('q as a number (42 or #42) finds that incident', async () => {
    const n = await open(tag('numbered'));
    for (const q of [String(n), `#${n}`]) {
      const res = await request(http).get('/api/incidents').query({ q }).expect(200);
      expect((res.body as ListBody).items.map((i) => i.number)).toContain(n);
    }
  });

  it('an empty assignee or an overlong q is a 400 naming the parameter', async () => {
    const empty = await request(http).get('/api/incidents').query({ assignee: '' }).expect(400);
    expect(empty.body.details.map((d: { field: string }) => d.field)).toContain('assignee');
    const long = await request(http)
      .get('/api/incidents')
      .query({ q: 'x'.repeat(201) })
      .expect(400);
    expect(long.body.details.map((d: { field: string }) => d.field)).toContain('q');
  });
});
