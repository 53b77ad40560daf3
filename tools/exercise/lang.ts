import { LANGS, type Lang } from "../../lab";

/**
 * The language of the exercise texts: `--lang zh|en`, else the system locale. The locale is the
 * first of LC_ALL, LC_MESSAGES and LANG that is set (POSIX precedence for messages): `zh…`
 * (zh_CN.UTF-8, zh_TW, zh) means Chinese, anything else English.
 */
export function systemLang(env: Record<string, string | undefined>): Lang {
    const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((value) => value !== undefined && value !== "") ?? "";
    return /^zh([_.@-]|$)/i.test(locale) ? "zh" : "en";
}

/** `value` as a language, or an error naming the value and the choices. */
export function parseLang(value: string): Lang {
    const lang = value.toLowerCase();
    if ((LANGS as readonly string[]).includes(lang)) return lang as Lang;
    throw new Error(`--lang ${JSON.stringify(value)} is not a language of the exercises: use --lang zh (中文) or --lang en (English)`);
}
