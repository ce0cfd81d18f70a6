package main

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"slices"
)

// The plot's geometry, in SVG user units: two panels side by side (every
// row, and the region around this library's default row), the legend below.
const (
	plotW, plotH   = 1000, 640
	panelW, panelH = 400, 360
	panelTop       = 50
	legendTop      = 490
	legendLine     = 18
)

// colors of the rows' points, by kind.
var colors = map[string]string{"none": "#7f7f7f", "peer": "#d62728", "ours": "#1f77b4", "sweep": "#2ca02c"}

// A panel maps extra requests (%) and p99 (ms) in [0, xmax] x [0, ymax] to
// a frame whose top left corner is at (x0, y0).
type panel struct {
	x0, y0     float64
	xmax, ymax float64
	id         string // of its clip path
}

func (p panel) px(x float64) float64 { return p.x0 + panelW*x/p.xmax }
func (p panel) py(y float64) float64 { return p.y0 + panelH - panelH*y/p.ymax }

// plot draws p99 against extra requests: the sweep of static delays as a
// line (the frontier a static delay can reach) and each row as a point, in
// two panels: every row, and the rows with at most twice the extra requests
// of this library's default row, which is where the frontier's knee is. The
// rows where every request is slow are another workload and are left out.
func plot(results []*result) []byte {
	var rows, sweep []*result
	var def *result
	var maxX, maxY float64
	for _, r := range results {
		if r.row.kind == "slow" {
			continue
		}
		rows = append(rows, r)
		if r.row.kind == "sweep" {
			sweep = append(sweep, r)
		}
		if r.row.name == defName {
			def = r
		}
		maxX, maxY = max(maxX, 100*r.extra()), max(maxY, ms(r.p99))
	}
	slices.SortFunc(sweep, func(a, b *result) int { return int(a.row.delay - b.row.delay) })
	all := panel{x0: 70, y0: panelTop, id: "all"}
	all.xmax, _ = axis(maxX)
	all.ymax, _ = axis(maxY)
	zoom := panel{x0: 570, y0: panelTop, id: "zoom"}
	zoom.xmax, zoom.ymax = all.xmax, all.ymax
	if def != nil && def.extra() > 0 {
		zoom.xmax, _ = axis(200 * def.extra())
		var y float64 // the rows in the zoom that hedge
		for _, r := range rows {
			if r.row.kind != "none" && 100*r.extra() <= zoom.xmax {
				y = max(y, ms(r.p99))
			}
		}
		zoom.ymax, _ = axis(1.1 * y)
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		plotW, plotH, plotW, plotH)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", plotW, plotH)
	fmt.Fprintf(&b, `<text x="70" y="22" font-size="14">p99 latency against extra requests: every row (left), and the region around the default Hedger (right)</text>`+"\n")
	for _, p := range []panel{all, zoom} {
		p.axes(&b)
		p.points(&b, rows, sweep)
	}
	legend(&b, rows, sweep)
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// axes draws the panel's frame, grid, ticks' labels and axes' names, and
// the clip path that keeps its points inside it.
func (p panel) axes(b *bytes.Buffer) {
	_, xstep := axis(p.xmax)
	_, ystep := axis(p.ymax)
	fmt.Fprintf(b, `<clipPath id="%s"><rect x="%.1f" y="%.1f" width="%d" height="%d"/></clipPath>`+"\n", p.id, p.x0, p.y0, panelW, panelH)
	for x := 0.0; x <= p.xmax+1e-9; x += xstep {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" text-anchor="middle">%g%%</text>`+"\n",
			p.px(x), p.y0, p.px(x), p.y0+panelH, p.px(x), p.y0+panelH+16, round(x))
	}
	for y := 0.0; y <= p.ymax+1e-9; y += ystep {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/><text x="%.1f" y="%.1f" text-anchor="end">%g</text>`+"\n",
			p.x0, p.py(y), p.x0+panelW, p.py(y), p.x0-6, p.py(y)+4, round(y))
	}
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%d" height="%d" fill="none" stroke="black"/>`+"\n", p.x0, p.y0, panelW, panelH)
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle">extra requests</text>`+"\n", p.x0+panelW/2, p.y0+panelH+40)
	cx, cy := p.x0-45, p.y0+panelH/2
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" transform="rotate(-90 %.1f %.1f)">p99 (ms)</text>`+"\n", cx, cy, cx, cy)
}

// points draws the sweep's line and every row's point, clipped to the
// panel: the sweep's points carry their delay, the others the number the
// legend gives them.
func (p panel) points(b *bytes.Buffer, rows, sweep []*result) {
	fmt.Fprintf(b, `<g clip-path="url(#%s)">`+"\n", p.id)
	if len(sweep) > 0 {
		b.WriteString(`<polyline fill="none" stroke="#2ca02c" stroke-width="2" points="`)
		for _, r := range sweep {
			fmt.Fprintf(b, "%.1f,%.1f ", p.px(100*r.extra()), p.py(ms(r.p99)))
		}
		b.WriteString("\"/>\n")
	}
	n := 0
	for _, r := range rows {
		label := fmt.Sprintf("%g ms", ms(r.row.delay))
		if r.row.kind != "sweep" {
			n++
			label = fmt.Sprint(n)
		}
		x, y := p.px(100*r.extra()), p.py(ms(r.p99))
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/><text x="%.1f" y="%.1f" fill="%s" font-size="11">%s</text>`+"\n",
			x, y, colors[r.row.kind], x+6, y-6, colors[r.row.kind], label)
	}
	b.WriteString("</g>\n")
}

// legend names the numbered rows and says what the line and the axes are.
func legend(b *bytes.Buffer, rows, sweep []*result) {
	line := func(i int, fill, text string) {
		fmt.Fprintf(b, `<text x="70" y="%d" fill="%s">%s</text>`+"\n", legendTop+legendLine*i, fill, html.EscapeString(text))
	}
	n := 0
	for _, r := range rows {
		if r.row.kind != "sweep" {
			n++
			line(n, colors[r.row.kind], fmt.Sprintf("%d  %s: %.1f%% extra requests, p99 %.1f ms", n, r.row.name, 100*r.extra(), ms(r.p99)))
		}
	}
	if len(sweep) > 0 {
		line(n+1, colors["sweep"], fmt.Sprintf("line: httphedge with one hedge after a static delay (the label), %v to %v, %d requests each",
			sweep[0].row.delay, sweep[len(sweep)-1].row.delay, sweep[0].made))
	}
	line(n+2, colors["none"], "p99 of the requests as their callers saw them; extra requests: requests the server started per request made, minus 1")
}

// axis returns a bound at or above v for an axis from 0, and the step of
// its ticks: 1, 2 or 5 times a power of ten, about five ticks.
func axis(v float64) (bound, step float64) {
	if v <= 0 || math.IsNaN(v) {
		return 1, 0.2
	}
	step = math.Pow(10, math.Floor(math.Log10(v/5)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v/(step*m) <= 6 {
			step *= m
			break
		}
	}
	return step * math.Ceil(v/step-1e-9), step
}

// round removes the float noise of adding steps, for labels.
func round(v float64) float64 { return math.Round(v*1e6) / 1e6 }
