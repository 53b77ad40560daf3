import { type ContainerSpec, hostPort, type Spec } from "../../lab";
import { reportReplicas, shortDigest } from "./model";

/** Escapes text for HTML and XML content and attribute values. */
export function escapeHtml(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Shortens `text` to `max` characters, keeping its start and end. */
function fit(text: string, max: number): string {
    if (text.length <= max) return text;
    const head = Math.ceil((max - 1) / 2);
    return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/** Splits a long reference into lines of at most `width` characters, preferring to break after `/`. */
function wrapReference(text: string, width: number): string[] {
    const lines: string[] = [];
    let rest = text;
    while (rest.length > width) {
        const cut = rest.lastIndexOf("/", width - 1);
        const at = cut > 0 ? cut + 1 : width;
        lines.push(rest.slice(0, at));
        rest = rest.slice(at);
    }
    lines.push(rest);
    return lines;
}

const SVG = {
    width: 960,
    top: 64,
    row: 58,
    card: 46,
    hostX: 16,
    hostW: 196,
    netX: 256,
    netW: 424,
    cardX: 280,
    cardW: 376,
    imageX: 724,
    imageW: 220,
};

/** One container of the picture: the registry, or a replica with its index. */
interface Row {
    kind: "registry" | "replica";
    c: ContainerSpec;
    index: number;
}

/** Where things go: one row per container, the network around them, the picture's height. */
function layoutOf(rows: Row[]) {
    const s = SVG;
    const rowY = (i: number) => s.top + 16 + i * s.row;
    const netTop = s.top;
    const netBottom = rowY(rows.length - 1) + s.card + 16;
    return { rowY, netTop, netBottom, height: netBottom + 40 };
}

type Layout = ReturnType<typeof layoutOf>;

/** The opening tag with its accessible label, the arrow marker, the column captions, the host column and the network. */
function frame(spec: Spec, rows: Row[], layout: Layout, label: string): string[] {
    const s = SVG;
    const t = escapeHtml;
    const { rowY, netTop, netBottom, height } = layout;
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" class="lab-picture" role="img" aria-label="${t(label)}" viewBox="0 0 ${s.width} ${height}" width="${s.width}" height="${height}" font-family="system-ui, sans-serif" font-size="13">`,
        `<title>${t(label)}</title>`,
        "<defs>",
        '<marker id="lab-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#475569"/></marker>',
        "</defs>",
        `<text class="caption" x="${s.hostX}" y="28" font-weight="600" fill="#0f172a">Host: published ports</text>`,
        `<text x="${s.hostX}" y="46" fill="#475569" font-size="12">bound to ${t(fit(spec.registry.container.ports[0]?.ip ?? "", 30))}</text>`,
        `<text class="caption" x="${s.netX}" y="28" font-weight="600" fill="#0f172a">Docker network</text>`,
        `<text x="${s.netX}" y="46" fill="#475569" font-size="12" font-family="ui-monospace, monospace">${t(fit(spec.network.name, 56))}</text>`,
        `<text class="caption" x="${s.imageX}" y="28" font-weight="600" fill="#0f172a">Image <tspan lang="zh-CN" font-weight="400" fill="#475569">镜像</tspan></text>`,
        `<rect class="host" x="${s.hostX}" y="${netTop}" width="${s.hostW}" height="${netBottom - netTop}" rx="10" fill="#f8fafc" stroke="#cbd5e1"/>`,
        `<g class="lab-network" data-name="${t(spec.network.name)}"><title>${t(`network ${spec.network.name}`)}</title>`,
        `<rect x="${s.netX}" y="${netTop}" width="${s.netW}" height="${netBottom - netTop}" rx="12" fill="#eff6ff" stroke="#3b82f6" stroke-width="1.5" stroke-dasharray="6 4"/>`,
        `<line x1="${s.netX + 12}" y1="${rowY(0) + s.card / 2}" x2="${s.netX + 12}" y2="${rowY(rows.length - 1) + s.card / 2}" stroke="#3b82f6" stroke-width="3" stroke-linecap="round"/>`,
        "</g>",
    ];
}

/** One container's card on the network, with its published port on the host side. */
function containerRow(spec: Spec, { kind, c, index }: Row, y: number): string[] {
    const s = SVG;
    const t = escapeHtml;
    const mid = y + s.card / 2;
    const port = c.ports[0];
    const registry = kind === "registry";
    const fill = registry ? "#fef3c7" : "#ffffff";
    const stroke = registry ? "#d97706" : "#2563eb";
    const detail = registry
        ? `${spec.registry.image} · volume ${spec.volume.name}`
        : `port ${port ? port.internal : "-"}${c.memoryMb ? ` · ${c.memoryMb} MiB` : ""} · ${c.networkAliases.join(", ")}`;
    const attrs = registry
        ? `class="lab-registry" data-name="${t(c.name)}" data-port="${port ? port.external : ""}"`
        : `class="lab-replica" data-replica="${index}" data-name="${t(c.name)}" data-port="${port ? port.external : ""}"`;
    return [
        `<g ${attrs}>`,
        `<title>${t(`${c.name}: ${c.ports.map((p) => `${hostPort(p.ip, p.external)} → ${p.internal}`).join(", ")}`)}</title>`,
        // Joins the network line.
        `<line x1="${s.netX + 12}" y1="${mid}" x2="${s.cardX}" y2="${mid}" stroke="#3b82f6" stroke-width="2"/>`,
        `<circle cx="${s.netX + 12}" cy="${mid}" r="4" fill="#3b82f6"/>`,
        ...(port
            ? [
                  `<rect x="${s.hostX + 14}" y="${mid - 13}" width="${s.hostW - 28}" height="26" rx="13" fill="#ffffff" stroke="${stroke}"/>`,
                  `<text x="${s.hostX + s.hostW / 2}" y="${mid + 4.5}" text-anchor="middle" font-family="ui-monospace, monospace" font-size="12.5" fill="#0f172a">${t(fit(hostPort(port.ip, port.external), 24))}</text>`,
                  `<line x1="${s.hostX + s.hostW - 14}" y1="${mid}" x2="${s.netX + 6}" y2="${mid}" stroke="#475569" stroke-width="1.5" marker-end="url(#lab-arrow)"/>`,
              ]
            : []),
        `<rect x="${s.cardX}" y="${y}" width="${s.cardW}" height="${s.card}" rx="8" fill="${fill}" stroke="${stroke}" stroke-width="1.5"/>`,
        `<text x="${s.cardX + 12}" y="${y + 19}" font-weight="600" fill="#0f172a">${t(fit(c.name, 34))}</text>`,
        `<text x="${s.cardX + s.cardW - 12}" y="${y + 19}" text-anchor="end" font-size="12" fill="${stroke}">${registry ? "registry" : `replica ${index}`}</text>`,
        `<text x="${s.cardX + 12}" y="${y + 37}" font-size="12" fill="#475569">${t(fit(detail, 56))}</text>`,
        "</g>",
    ];
}

/** The image at `top`, pushed to the registry (the first row): its lines and its height. */
function imageBlock(spec: Spec, digest: string | undefined, top: number, registryMid: number): { lines: string[]; height: number } {
    const s = SVG;
    const t = escapeHtml;
    const refLines = wrapReference(spec.image.name, 28);
    const height = 30 + refLines.length * 16 + (digest ? 18 : 0);
    const lines = [
        `<g class="lab-image" data-name="${t(spec.image.name)}"${digest ? ` data-digest="${t(digest)}"` : ""}><title>${t(`image ${spec.image.name}${digest ? ` (${digest})` : ""}`)}</title>`,
        `<rect x="${s.imageX}" y="${top}" width="${s.imageW}" height="${height}" rx="8" fill="#ecfdf5" stroke="#059669" stroke-width="1.5"/>`,
        `<text x="${s.imageX + 12}" y="${top + 19}" font-weight="600" fill="#065f46">app image</text>`,
        ...refLines.map(
            (line, i) =>
                `<text x="${s.imageX + 12}" y="${top + 38 + i * 16}" font-family="ui-monospace, monospace" font-size="12" fill="#0f172a">${t(line)}</text>`,
        ),
        ...(digest
            ? [
                  `<text x="${s.imageX + 12}" y="${top + 38 + refLines.length * 16 + 2}" font-family="ui-monospace, monospace" font-size="11.5" fill="#475569">${t(digest)}</text>`,
              ]
            : []),
        "</g>",
        // push: image → registry row.
        `<line x1="${s.imageX}" y1="${registryMid}" x2="${s.cardX + s.cardW + 2}" y2="${registryMid}" stroke="#d97706" stroke-width="1.5" marker-end="url(#lab-arrow)"/>`,
        `<text x="${(s.imageX + s.cardX + s.cardW) / 2}" y="${registryMid - 6}" text-anchor="middle" font-size="11.5" fill="#92400e">push</text>`,
    ];
    return { lines, height };
}

/** run: a bracket from the image's bottom down to every replica's row (rows 1 and on). */
function runBracket(rows: Row[], layout: Layout, imageBottom: number): string[] {
    const s = SVG;
    const busX = s.netX + s.netW + 20;
    const first = layout.rowY(1) + s.card / 2;
    const last = layout.rowY(rows.length - 1) + s.card / 2;
    const fromY = Math.max(imageBottom + 28, first);
    return [
        `<path d="M${s.imageX + 24} ${imageBottom} V${fromY} H${busX}" fill="none" stroke="#059669" stroke-width="1.5"/>`,
        `<line x1="${busX}" y1="${Math.min(first, fromY)}" x2="${busX}" y2="${Math.max(last, fromY)}" stroke="#059669" stroke-width="1.5"/>`,
        `<text x="${s.imageX + 32}" y="${imageBottom + 18}" font-size="11.5" fill="#065f46">run by digest</text>`,
        ...rows
            .slice(1)
            .map(
                (_, i) =>
                    `<line x1="${busX}" y1="${layout.rowY(i + 1) + s.card / 2}" x2="${s.cardX + s.cardW + 2}" y2="${layout.rowY(i + 1) + s.card / 2}" stroke="#059669" stroke-width="1.5" marker-end="url(#lab-arrow)"/>`,
            ),
    ];
}

/**
 * The lab as an inline SVG: published ports on the host (left), the lab network with the registry
 * and every replica (middle), the image pushed to the registry and run as the replicas (right).
 * The layout is computed from the spec alone: one row per container. `imageRef` (a digest or
 * `repository@sha256:...`) adds the digest's short form to the image.
 */
export function renderLabSvg(spec: Spec, imageRef?: string): string {
    const replicas = reportReplicas(spec);
    const rows: Row[] = [
        { kind: "registry", c: spec.registry.container, index: 0 },
        ...replicas.map((c, index) => ({ kind: "replica" as const, c, index })),
    ];
    const layout = layoutOf(rows);
    const ports = rows.map(({ c }) => c.ports.map((p) => hostPort(p.ip, p.external)).join(", ")).join(", ");
    const label =
        `Lab ${spec.instance}: network ${spec.network.name} joins the registry ${spec.registry.container.name} ` +
        `and ${replicas.length} replica${replicas.length === 1 ? "" : "s"} of ${spec.image.name}; published on the host at ${ports}`;
    const image = imageBlock(spec, imageRef ? shortDigest(imageRef) : undefined, layout.rowY(0), layout.rowY(0) + SVG.card / 2);
    return [
        ...frame(spec, rows, layout, label),
        ...rows.flatMap((row, i) => containerRow(spec, row, layout.rowY(i))),
        ...image.lines,
        ...(replicas.length > 0 ? runBracket(rows, layout, layout.rowY(0) + image.height) : []),
        `<text x="${SVG.hostX}" y="${layout.height - 14}" font-size="12" fill="#475569">Arrows: host port → container port. The registry is the notes' <tspan lang="zh-CN">仓库</tspan> (01.03); each replica is a <tspan lang="zh-CN">容器</tspan> (01.02) run from the <tspan lang="zh-CN">镜像</tspan> (01.01).</text>`,
        "</svg>",
    ].join("\n");
}
