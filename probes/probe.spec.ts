import { judgeFindings, worstStatus } from './probe';

describe('the shared status order', () => {
  it('ranks known problems above unknowns: down > degraded > not_tested > up', () => {
    expect(worstStatus([])).toBe('up');
    expect(worstStatus(['up', 'not_tested'])).toBe('not_tested');
    expect(worstStatus(['not_tested', 'degraded'])).toBe('degraded');
    expect(worstStatus(['degraded', 'down', 'not_tested'])).toBe('down');
  });

  it('puts the summary first, then findings worst first, ties in the order found', () => {
    const r = (code: string) => ({ code, message: code });
    const { status, reasons } = judgeFindings(
      [
        { status: 'not_tested', reason: r('scope') },
        { status: 'degraded', reason: r('slow') },
        { status: 'degraded', reason: r('redirects') },
      ],
      { degraded: r('summary') },
    );
    expect(status).toBe('degraded');
    expect(reasons.map((x) => x.code)).toEqual(['summary', 'slow', 'redirects', 'scope']);
    expect(judgeFindings([{ status: 'up', reason: r('fine') }], { down: r('x') })).toEqual({
      status: 'up',
      reasons: [],
    });
  });
});
