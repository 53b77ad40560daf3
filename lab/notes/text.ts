/** Every learner-facing text of the notes is in Chinese (in the notes' own terms: 镜像, 容器, 仓库 …) and in English. */

/** Languages of every learner-facing text. */
export const LANGS = ["zh", "en"] as const;
export type Lang = (typeof LANGS)[number];

/** One text in both languages. */
export type Text = Record<Lang, string>;

/** A Text from its two languages, Chinese first as the notes are. */
export function t(zh: string, en: string): Text {
    return { zh, en };
}
