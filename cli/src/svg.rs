//! Charts drawn as inline SVG for the HTML report: horizontal bars, columns, 100 % stacked bars,
//! a Pareto chart (bars and their cumulative share) and a heat map with its legend.
//!
//! Drawing only: every number shown is given by the caller (the core's counts and shares); the
//! charts scale them to pixels with integer arithmetic, so the same input gives the same bytes.
//! Every text is escaped ([`escape`]); every chart has an SVG `<title>` and `<desc>`, and each mark
//! its own `<title>` (a tooltip, read by screen readers) and `data-label`/`data-value` attributes
//! (what the tests read back).

use std::fmt::Write as _;

/// The chart font: the reader's own sans-serif (no web font).
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";
/// Bar colours, used in turn (the first is the report's main colour).
pub const PALETTE: [&str; 8] = ["#2f6db5", "#e07b39", "#3a9a5b", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#5f9ea0"];
/// The inner bar of the Pareto chart (a darker shade of the first colour).
const INNER: &str = "#1b3f6b";
/// Axis and grid lines.
const GRID: &str = "#d0d4da";
/// Text.
const INK: &str = "#222";

/// Text made safe inside HTML or SVG, in element content and in quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newline are not allowed in XML text.
            c if c.is_control() && c != '\t' && c != '\n' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// One bar: its label, its value (a count), and the text shown beside it.
#[derive(Debug, Clone)]
pub struct Bar {
    /// The category.
    pub label: String,
    /// The count drawn.
    pub value: u64,
    /// The text shown at the bar's end (usually the count).
    pub text: String,
}

impl Bar {
    /// A bar showing its count.
    pub fn count(label: impl Into<String>, value: u64) -> Bar {
        Bar { label: label.into(), value, text: value.to_string() }
    }
}

/// `value / max` of `length` pixels, rounded down (0 when `max` is 0).
fn scale(value: u64, max: u64, length: u64) -> u64 {
    if max == 0 {
        0
    } else {
        (u128::from(value) * u128::from(length) / u128::from(max)) as u64
    }
}

/// The opening of a chart: `<svg>` with its size, `<title>` and `<desc>`. Inline in HTML, the
/// parser puts it in the SVG namespace itself: no `xmlns` (and so no address at all in the page).
fn open(out: &mut String, width: u64, height: u64, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" \
         height=\"{height}\" font-family=\"{}\" font-size=\"13\" fill=\"{INK}\"><title>{}</title><desc>{}</desc>",
        escape(FONT),
        escape(title),
        escape(desc)
    );
}

/// Horizontal bars, one per category, labels on the left, values at the ends.
pub fn bars(title: &str, desc: &str, bars: &[Bar]) -> String {
    let (label_w, bar_w, row_h, top) = (230u64, 420u64, 26u64, 8u64);
    let width = label_w + bar_w + 90;
    let height = top * 2 + row_h * bars.len().max(1) as u64;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let mut out = String::new();
    open(&mut out, width, height, title, desc);
    let _ =
        write!(out, "<line x1=\"{label_w}\" y1=\"{top}\" x2=\"{label_w}\" y2=\"{}\" stroke=\"{GRID}\"/>", height - top);
    for (i, b) in bars.iter().enumerate() {
        let y = top + row_h * i as u64;
        let w = scale(b.value, max, bar_w).max(u64::from(b.value > 0));
        let (label, text) = (escape(&b.label), escape(&b.text));
        let _ = write!(
            out,
            "<g class=\"bar\" data-label=\"{label}\" data-value=\"{}\"><title>{label}: {text}</title>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>\
             <rect x=\"{label_w}\" y=\"{}\" width=\"{w}\" height=\"{}\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\">{text}</text></g>",
            b.value,
            label_w - 8,
            y + 17,
            y + 4,
            row_h - 8,
            PALETTE[i % PALETTE.len()],
            label_w + w + 6,
            y + 17,
        );
    }
    out.push_str("</svg>");
    out
}

/// Vertical columns, one per category in the order given (months, say), labels underneath.
pub fn columns(title: &str, desc: &str, bars: &[Bar]) -> String {
    let (left, col_w, gap, plot_h, top, bottom) = (20u64, 70u64, 24u64, 200u64, 24u64, 40u64);
    let width = left * 2 + (col_w + gap) * bars.len().max(1) as u64;
    let height = top + plot_h + bottom;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let base = top + plot_h;
    let mut out = String::new();
    open(&mut out, width, height, title, desc);
    let _ = write!(out, "<line x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"{GRID}\"/>", width - left);
    for (i, b) in bars.iter().enumerate() {
        let x = left + gap / 2 + (col_w + gap) * i as u64;
        let h = scale(b.value, max, plot_h).max(u64::from(b.value > 0));
        let (label, text) = (escape(&b.label), escape(&b.text));
        let _ = write!(
            out,
            "<g class=\"bar\" data-label=\"{label}\" data-value=\"{}\"><title>{label}: {text}</title>\
             <rect x=\"{x}\" y=\"{}\" width=\"{col_w}\" height=\"{h}\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{text}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{label}</text></g>",
            b.value,
            base - h,
            PALETTE[0],
            x + col_w / 2,
            base - h - 6,
            x + col_w / 2,
            base + 20,
        );
    }
    out.push_str("</svg>");
    out
}

/// One part of a stacked bar: its series name, count and the text shown for it.
#[derive(Debug, Clone)]
pub struct Part {
    /// The series (self-service, staff, ...).
    pub series: String,
    /// The count.
    pub value: u64,
    /// The text shown (the share, say).
    pub text: String,
}

/// One stacked bar: a category and its parts, which together are the whole.
#[derive(Debug, Clone)]
pub struct Stack {
    /// The category.
    pub label: String,
    /// Its parts, in the legend's order.
    pub parts: Vec<Part>,
}

/// 100 % stacked horizontal bars: each category's parts as shares of its whole, with a legend
/// (the series of the first bar) and an optional target line (a percent of the width).
pub fn stacked(title: &str, desc: &str, stacks: &[Stack], target_percent: Option<u32>) -> String {
    let (label_w, bar_w, row_h, top, legend_h) = (200u64, 500u64, 26u64, 30u64, 30u64);
    let width = label_w + bar_w + 40;
    let height = top + row_h * stacks.len().max(1) as u64 + legend_h;
    let mut out = String::new();
    open(&mut out, width, height, title, desc);
    if let Some(first) = stacks.first() {
        for (i, p) in first.parts.iter().enumerate() {
            let x = label_w + 130 * i as u64;
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"17\">{}</text>",
                PALETTE[i % PALETTE.len()],
                x + 16,
                escape(&p.series)
            );
        }
    }
    for (i, s) in stacks.iter().enumerate() {
        let y = top + row_h * i as u64;
        let whole: u64 = s.parts.iter().map(|p| p.value).sum();
        let label = escape(&s.label);
        let _ = write!(
            out,
            "<g class=\"stack\" data-label=\"{label}\" data-value=\"{whole}\">\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>",
            label_w - 8,
            y + 17
        );
        let (mut x, mut before) = (label_w, 0u64);
        for (j, p) in s.parts.iter().enumerate() {
            // Each edge is placed from the running total, so the parts always fill the bar exactly.
            before += p.value;
            let end = label_w + scale(before, whole, bar_w);
            let w = end - x;
            let (series, text) = (escape(&p.series), escape(&p.text));
            let _ = write!(
                out,
                "<rect class=\"part\" data-label=\"{series}\" data-value=\"{}\" x=\"{x}\" y=\"{}\" width=\"{w}\" \
                 height=\"{}\" fill=\"{}\"><title>{label}, {series}: {text}</title></rect>",
                p.value,
                y + 4,
                row_h - 8,
                PALETTE[j % PALETTE.len()],
            );
            if w >= 48 {
                let _ = write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#fff\" font-size=\"11\">{text}</text>",
                    x + w / 2,
                    y + 17
                );
            }
            x = end;
        }
        out.push_str("</g>");
    }
    if let Some(t) = target_percent {
        let x = label_w + scale(u64::from(t), 100, bar_w);
        let bottom = top + row_h * stacks.len() as u64;
        let _ = write!(
            out,
            "<g class=\"target\"><line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{INK}\" \
             stroke-dasharray=\"4 3\"/><text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">target {t}%</text></g>",
            top - 4,
            bottom + 2,
            bottom + 18
        );
    }
    out.push_str("</svg>");
    out
}

/// A Pareto chart: bars in the order given (largest first), an inner bar for a part of each
/// (`inner`, say "by this reason alone"), and the line of the bars' cumulative share of their
/// total, against a right-hand axis from 0 to 100 % with a dashed line at 80 %.
pub fn pareto(title: &str, desc: &str, bars: &[Bar], inner: &[u64], inner_name: &str) -> String {
    let (left, right, top, plot_h, bottom) = (50u64, 50u64, 20u64, 240u64, 150u64);
    let col = 40u64;
    let width = (left + right + col * bars.len().max(1) as u64).max(400);
    let height = top + plot_h + bottom;
    let base = top + plot_h;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0);
    let total: u64 = bars.iter().map(|b| b.value).sum();
    let mut out = String::new();
    open(&mut out, width, height, title, desc);
    let plot_right = width - right;
    // The axes and the 80 % line.
    let _ = write!(
        out,
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{base}\" stroke=\"{GRID}\"/>\
         <line x1=\"{left}\" y1=\"{base}\" x2=\"{plot_right}\" y2=\"{base}\" stroke=\"{GRID}\"/>\
         <line x1=\"{plot_right}\" y1=\"{top}\" x2=\"{plot_right}\" y2=\"{base}\" stroke=\"{GRID}\"/>"
    );
    for p in [0u64, 20, 40, 60, 80, 100] {
        let y = base - scale(p, 100, plot_h);
        let dash = if p == 80 { " stroke-dasharray=\"4 3\"" } else { "" };
        let _ = write!(
            out,
            "<line x1=\"{left}\" y1=\"{y}\" x2=\"{plot_right}\" y2=\"{y}\" stroke=\"{GRID}\"{dash}/>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\">{p}%</text>",
            plot_right + 4,
            y + 4
        );
    }
    let _ = write!(out, "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{max}</text>", left - 4, top + 4);
    let _ = write!(out, "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">0</text>", left - 4, base + 4);
    let mut points = Vec::with_capacity(bars.len());
    let mut running = 0u64;
    for (i, b) in bars.iter().enumerate() {
        let x = left + col * i as u64;
        let h = scale(b.value, max, plot_h).max(u64::from(b.value > 0));
        let part = inner.get(i).copied().unwrap_or(0).min(b.value);
        let ih = scale(part, max, plot_h).max(u64::from(part > 0));
        running += b.value;
        // The cumulative share in tenths of a percent, for the line and its tooltip.
        let permille = scale(running, total, 1000);
        let cy = base - scale(running, total, plot_h);
        let cx = x + col / 2;
        points.push(format!("{cx},{cy}"));
        let (label, text) = (escape(&b.label), escape(&b.text));
        let _ = write!(
            out,
            "<g class=\"bar\" data-label=\"{label}\" data-value=\"{}\" data-inner=\"{part}\"><title>{label}: {text}; \
             {} {part}; cumulative {}.{}%</title>\
             <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{h}\" fill=\"{}\"/>\
             <rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{ih}\" fill=\"{INNER}\"/>\
             <text transform=\"translate({},{}) rotate(-45)\" text-anchor=\"end\" font-size=\"11\">{label}</text></g>",
            b.value,
            escape(inner_name),
            permille / 10,
            permille % 10,
            x + 4,
            base - h,
            col - 8,
            PALETTE[0],
            x + 4,
            base - ih,
            col - 8,
            cx + 4,
            base + 12,
        );
    }
    if !points.is_empty() {
        let _ = write!(
            out,
            "<polyline class=\"cumulative\" points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
            points.join(" "),
            PALETTE[1]
        );
        for p in &points {
            let (cx, cy) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(out, "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"3\" fill=\"{}\"/>", PALETTE[1]);
        }
    }
    // The legend.
    let ly = height - 18;
    let _ = write!(
        out,
        "<rect x=\"{left}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{ly}\">all</text>\
         <rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{INNER}\"/><text x=\"{}\" y=\"{ly}\">{}</text>\
         <line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"2\"/><text x=\"{}\" y=\"{ly}\">cumulative share</text>",
        ly - 10,
        PALETTE[0],
        left + 16,
        left + 60,
        ly - 10,
        left + 76,
        escape(inner_name),
        left + 260,
        ly - 4,
        left + 280,
        ly - 4,
        PALETTE[1],
        left + 286,
    );
    out.push_str("</svg>");
    out
}

/// One cell of a heat map: its shade (0 to 100, the colour's depth), the text in it and its tooltip.
#[derive(Debug, Clone)]
pub struct Cell {
    /// 0 (lightest) to 100 (darkest).
    pub shade: u32,
    /// Shown in the cell.
    pub text: String,
    /// The tooltip.
    pub title: String,
}

/// One row of a heat map.
#[derive(Debug, Clone)]
pub struct HeatRow {
    /// The row's label.
    pub label: String,
    /// Its cells by column; `None` where there is nothing to show yet.
    pub cells: Vec<Option<Cell>>,
}

/// The colour of a shade: from a pale yellow (0) to a deep blue (100), through green.
pub fn shade_colour(shade: u32) -> String {
    // Three anchors; integer interpolation between the two around the shade.
    const STOPS: [(u32, [u32; 3]); 3] = [(0, [255, 247, 188]), (50, [65, 182, 196]), (100, [37, 52, 148])];
    let s = shade.min(100);
    let (lo, hi) = if s <= 50 { (STOPS[0], STOPS[1]) } else { (STOPS[1], STOPS[2]) };
    let span = hi.0 - lo.0;
    let t = s - lo.0;
    let mix = |a: u32, b: u32| (a * (span - t) + b * t) / span;
    format!("#{:02x}{:02x}{:02x}", mix(lo.1[0], hi.1[0]), mix(lo.1[1], hi.1[1]), mix(lo.1[2], hi.1[2]))
}

/// A heat map: rows by columns of shaded cells with their text, column headings on top, and a
/// legend of the shades from 0 to 100 % (`legend` names what the shade measures).
pub fn heat_map(title: &str, desc: &str, columns: &[String], rows: &[HeatRow], legend: &str) -> String {
    let (label_w, cell_w, cell_h, top, legend_h) = (110u64, 64u64, 28u64, 30u64, 60u64);
    let width = (label_w + cell_w * columns.len().max(1) as u64 + 20).max(label_w + 340);
    let height = top + cell_h * rows.len().max(1) as u64 + legend_h;
    let mut out = String::new();
    open(&mut out, width, height, title, desc);
    for (j, c) in columns.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\">{}</text>",
            label_w + cell_w * j as u64 + cell_w / 2,
            top - 10,
            escape(c)
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = top + cell_h * i as u64;
        let label = escape(&row.label);
        let _ = write!(
            out,
            "<g class=\"row\" data-label=\"{label}\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{label}</text>",
            label_w - 8,
            y + 19
        );
        for (j, cell) in row.cells.iter().enumerate() {
            let x = label_w + cell_w * j as u64;
            let Some(cell) = cell else { continue };
            let ink = if cell.shade > 55 { "#fff" } else { INK };
            let _ = write!(
                out,
                "<g class=\"cell\" data-value=\"{}\"><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{}\" \
                 height=\"{}\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" \
                 fill=\"{ink}\">{}</text></g>",
                escape(&cell.text),
                escape(&cell.title),
                cell_w - 2,
                cell_h - 2,
                shade_colour(cell.shade),
                x + cell_w / 2,
                y + 18,
                escape(&cell.text)
            );
        }
        out.push_str("</g>");
    }
    // The legend: eleven steps from 0 to 100 %.
    let ly = top + cell_h * rows.len().max(1) as u64 + 16;
    let _ = write!(
        out,
        "<g class=\"legend\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text>",
        label_w - 8,
        ly + 13,
        escape(legend)
    );
    for k in 0..=10u64 {
        let x = label_w + 28 * k;
        let _ = write!(
            out,
            "<rect x=\"{x}\" y=\"{ly}\" width=\"28\" height=\"16\" fill=\"{}\"><title>{}%</title></rect>",
            shade_colour((k * 10) as u32),
            k * 10
        );
    }
    let _ = write!(
        out,
        "<text x=\"{label_w}\" y=\"{}\" font-size=\"11\">0%</text><text x=\"{}\" y=\"{}\" font-size=\"11\" \
         text-anchor=\"end\">100%</text></g>",
        ly + 30,
        label_w + 28 * 11,
        ly + 30
    );
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_no_markup() {
        let hostile = "<script>alert(\"x\")</script> & 'quoted' \u{0}";
        let e = escape(hostile);
        assert_eq!(e, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; \u{fffd}");
        assert!(!e.contains(['<', '>', '"', '\'']));
    }

    #[test]
    fn hostile_labels_are_escaped_in_every_chart() {
        let label = "<script>x</script>\"'&";
        let safe = escape(label);
        let b = vec![Bar::count(label, 3), Bar::count("b", 1)];
        let stack =
            Stack { label: label.into(), parts: vec![Part { series: label.into(), value: 2, text: label.into() }] };
        let row = HeatRow {
            label: label.into(),
            cells: vec![Some(Cell { shade: 40, text: label.into(), title: label.into() })],
        };
        let charts = [
            bars(label, label, &b),
            columns(label, label, &b),
            stacked(label, label, &[stack], Some(80)),
            pareto(label, label, &b, &[1, 0], label),
            heat_map(label, label, &[label.to_owned()], &[row], label),
        ];
        for chart in charts {
            assert!(!chart.contains("<script"), "{chart}");
            assert!(chart.contains(&safe), "{chart}");
        }
    }

    #[test]
    fn bars_are_scaled_to_the_largest_and_carry_their_values() {
        let svg = bars("t", "d", &[Bar::count("a", 10), Bar::count("b", 5), Bar::count("c", 0)]);
        assert!(svg.contains("data-label=\"a\" data-value=\"10\""));
        assert!(svg.contains("width=\"420\""), "the largest bar is full length");
        assert!(svg.contains("width=\"210\""), "half the largest is half as long");
        assert!(svg.contains("width=\"0\""), "an empty category has no bar");
    }

    #[test]
    fn stacked_parts_fill_their_bar_exactly() {
        let parts = [(1, "a"), (1, "b"), (1, "c")]
            .map(|(value, series)| Part { series: series.into(), value, text: String::new() })
            .to_vec();
        let svg = stacked("t", "d", &[Stack { label: "x".into(), parts }], None);
        let widths: u64 = svg
            .split("class=\"part\"")
            .skip(1)
            .map(|p| {
                let w = p.split("width=\"").nth(1).and_then(|w| w.split('"').next()).unwrap_or("0");
                w.parse::<u64>().unwrap_or(0)
            })
            .sum();
        assert_eq!(widths, 500);
    }

    #[test]
    fn the_pareto_line_ends_at_the_whole() {
        let svg = pareto("t", "d", &[Bar::count("a", 3), Bar::count("b", 1)], &[2, 1], "alone");
        assert!(svg.contains("cumulative 75.0%"));
        assert!(svg.contains("cumulative 100.0%"));
        // The last point is at the top of the plot (100 %): y = top = 20.
        assert!(svg.contains("points=\"70,80 110,20\""), "{svg}");
    }

    #[test]
    fn shades_run_from_pale_to_deep() {
        assert_eq!(shade_colour(0), "#fff7bc");
        assert_eq!(shade_colour(50), "#41b6c4");
        assert_eq!(shade_colour(100), "#253494");
        assert_eq!(shade_colour(250), "#253494");
    }
}
