// Python's time.strftime directives, for the strftime filter and now(fmt=...).

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function p(n: number, w = 2, c = '0'): string {
  return String(n).padStart(w, c);
}

function dayOfYear(d: Date, utc: boolean): number {
  const start = utc ? Date.UTC(d.getUTCFullYear(), 0, 1) : new Date(d.getFullYear(), 0, 1).getTime();
  const now = utc
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())
    : new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  return Math.round((now - start) / 86_400_000) + 1;
}

/** Format a date like Python's strftime (local time unless utc). */
export function strftime(fmt: string, d: Date, utc = false): string {
  const Y = utc ? d.getUTCFullYear() : d.getFullYear();
  const m = utc ? d.getUTCMonth() : d.getMonth();
  const day = utc ? d.getUTCDate() : d.getDate();
  const H = utc ? d.getUTCHours() : d.getHours();
  const M = utc ? d.getUTCMinutes() : d.getMinutes();
  const S = utc ? d.getUTCSeconds() : d.getSeconds();
  const w = utc ? d.getUTCDay() : d.getDay();
  const off = utc ? 0 : -d.getTimezoneOffset();
  const j = dayOfYear(d, utc);
  return fmt.replace(/%([a-zA-Z%])/g, (whole, c: string) => {
    switch (c) {
      case 'Y':
        return String(Y);
      case 'y':
        return p(Y % 100);
      case 'm':
        return p(m + 1);
      case 'd':
        return p(day);
      case 'e':
        return p(day, 2, ' ');
      case 'H':
        return p(H);
      case 'I':
        return p(H % 12 || 12);
      case 'M':
        return p(M);
      case 'S':
        return p(S);
      case 'f':
        return p(d.getMilliseconds() * 1000, 6);
      case 'p':
        return H < 12 ? 'AM' : 'PM';
      case 'a':
        return DAYS[w]!.slice(0, 3);
      case 'A':
        return DAYS[w]!;
      case 'b':
      case 'h':
        return MONTHS[m]!.slice(0, 3);
      case 'B':
        return MONTHS[m]!;
      case 'j':
        return p(j, 3);
      case 'w':
        return String(w);
      case 'u':
        return String(w || 7);
      case 'z':
        return (off < 0 ? '-' : '+') + p(Math.floor(Math.abs(off) / 60)) + p(Math.abs(off) % 60);
      case 'Z':
        return utc ? 'UTC' : (Intl.DateTimeFormat().resolvedOptions().timeZone ?? '');
      case 's':
        return String(Math.floor(d.getTime() / 1000));
      case 'F':
        return `${Y}-${p(m + 1)}-${p(day)}`;
      case 'T':
        return `${p(H)}:${p(M)}:${p(S)}`;
      case 'D':
        return `${p(m + 1)}/${p(day)}/${p(Y % 100)}`;
      case 'c':
        return `${DAYS[w]!.slice(0, 3)} ${MONTHS[m]!.slice(0, 3)} ${p(day, 2, ' ')} ${p(H)}:${p(M)}:${p(S)} ${Y}`;
      case 'x':
        return `${p(m + 1)}/${p(day)}/${p(Y % 100)}`;
      case 'X':
        return `${p(H)}:${p(M)}:${p(S)}`;
      case '%':
        return '%';
      default:
        return whole;
    }
  });
}
