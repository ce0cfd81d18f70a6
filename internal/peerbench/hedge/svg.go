package main

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"slices"
)

// The plot's geometry, in SVG user units: the frame of the axes, and the
// legend to its right.
const (
	plotW, plotH        = 980, 480
	left, right         = 70, 560
	top, bottom         = 40, 420
	legendX, legendLine = 580, 18
)

// colors of the rows' points, by kind.
var colors = map[string]string{"none": "#7f7f7f", "peer": "#d62728", "ours": "#1f77b4", "sweep": "#2ca02c"}

// A canvas maps extra requests (%) and p99 (ms) to the plot's frame.
type canvas struct {
	b          bytes.Buffer
	xmax, ymax float64
}

func (c *canvas) px(x float64) float64 { return left + (right-left)*x/c.xmax }
func (c *canvas) py(y float64) float64 { return bottom - (bottom-top)*y/c.ymax }

// plot draws p99 against extra requests: the sweep of static delays as a
// line (the frontier a static delay can reach), each row as a point, and a
// legend. The rows where every request is slow are another workload and are
// left out.
func plot(results []*result) []byte {
	var rows, sweep []*result
	var maxX, maxY float64
	for _, r := range results {
		if r.row.kind == "slow" {
			continue
		}
		rows = append(rows, r)
		if r.row.kind == "sweep" {
			sweep = append(sweep, r)
		}
		maxX, maxY = max(maxX, 100*r.extra()), max(maxY, ms(r.p99))
	}
	slices.SortFunc(sweep, func(a, b *result) int { return int(a.row.delay - b.row.delay) })
	c := &canvas{}
	var xstep, ystep float64
	c.xmax, xstep = axis(maxX)
	c.ymax, ystep = axis(maxY)
	fmt.Fprintf(&c.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		plotW, plotH, plotW, plotH)
	fmt.Fprintf(&c.b, `<rect width="%d" height="%d" fill="white"/>`+"\n", plotW, plotH)
	fmt.Fprintf(&c.b, `<text x="%d" y="22" font-size="14">p99 latency against extra requests</text>`+"\n", left)
	c.axes(xstep, ystep)
	c.points(rows, sweep)
	c.b.WriteString("</svg>\n")
	return c.b.Bytes()
}

// axes draws the frame, the grid, the ticks' labels and the axes' names.
func (c *canvas) axes(xstep, ystep float64) {
	for x := 0.0; x <= c.xmax+1e-9; x += xstep {
		fmt.Fprintf(&c.b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/><text x="%.1f" y="%d" text-anchor="middle">%g%%</text>`+"\n",
			c.px(x), top, c.px(x), bottom, c.px(x), bottom+16, round(x))
	}
	for y := 0.0; y <= c.ymax+1e-9; y += ystep {
		fmt.Fprintf(&c.b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%g</text>`+"\n",
			left, c.py(y), right, c.py(y), left-6, c.py(y)+4, round(y))
	}
	fmt.Fprintf(&c.b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="black"/>`+"\n", left, top, right-left, bottom-top)
	fmt.Fprintf(&c.b, `<text x="%d" y="%d" text-anchor="middle">extra requests</text>`+"\n", (left+right)/2, bottom+40)
	fmt.Fprintf(&c.b, `<text x="18" y="%d" text-anchor="middle" transform="rotate(-90 18 %d)">p99 (ms)</text>`+"\n", (top+bottom)/2, (top+bottom)/2)
}

// points draws the sweep's line and every row's point: the sweep's points
// carry their delay, the others a number the legend explains.
func (c *canvas) points(rows, sweep []*result) {
	if len(sweep) > 0 {
		c.b.WriteString(`<polyline fill="none" stroke="#2ca02c" stroke-width="2" points="`)
		for _, r := range sweep {
			fmt.Fprintf(&c.b, "%.1f,%.1f ", c.px(100*r.extra()), c.py(ms(r.p99)))
		}
		c.b.WriteString("\"/>\n")
	}
	n := 0
	for _, r := range rows {
		x, y := c.px(100*r.extra()), c.py(ms(r.p99))
		fill := colors[r.row.kind]
		label := fmt.Sprintf("%g ms", ms(r.row.delay))
		if r.row.kind != "sweep" {
			n++
			label = fmt.Sprint(n)
			c.legend(n, fill, fmt.Sprintf("%d  %s: %.1f%%, %.1f ms", n, r.row.name, 100*r.extra(), ms(r.p99)))
		}
		fmt.Fprintf(&c.b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/><text x="%.1f" y="%.1f" fill="%s" font-size="11">%s</text>`+"\n",
			x, y, fill, x+6, y-6, fill, label)
	}
	if len(sweep) > 0 {
		c.legend(n+2, colors["sweep"], "line: one hedge after a static delay (the label),")
		c.legend(n+3, colors["sweep"], fmt.Sprintf("%v to %v, %d requests each", sweep[0].row.delay, sweep[len(sweep)-1].row.delay, sweep[0].made))
	}
	c.legend(n+5, colors["none"], "p99 of the requests as their callers saw them; extra requests:")
	c.legend(n+6, colors["none"], "requests the server started per request made, minus 1")
}

// legend writes line i of the legend.
func (c *canvas) legend(i int, fill, text string) {
	fmt.Fprintf(&c.b, `<text x="%d" y="%d" fill="%s">%s</text>`+"\n", legendX, top+legendLine*i, fill, html.EscapeString(text))
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
