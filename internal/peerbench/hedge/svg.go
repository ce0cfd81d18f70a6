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

// plot draws p99 against extra requests: the sweep of static delays as a
// line (the frontier a static delay can reach), each row as a numbered
// point, and a legend naming the numbers.
func plot(results []*result) []byte {
	var maxX, maxY float64
	for _, r := range results {
		if r.row.kind == "slow" {
			continue // another workload
		}
		maxX, maxY = max(maxX, 100*r.extra()), max(maxY, ms(r.p99))
	}
	xmax, xstep := axis(maxX)
	ymax, ystep := axis(maxY)
	px := func(x float64) float64 { return left + (right-left)*x/xmax }
	py := func(y float64) float64 { return bottom - (bottom-top)*y/ymax }

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n",
		plotW, plotH, plotW, plotH)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", plotW, plotH)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="14">p99 latency against extra requests</text>`+"\n", left)
	for x := 0.0; x <= xmax+1e-9; x += xstep {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/><text x="%.1f" y="%d" text-anchor="middle">%g%%</text>`+"\n",
			px(x), top, px(x), bottom, px(x), bottom+16, round(x))
	}
	for y := 0.0; y <= ymax+1e-9; y += ystep {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/><text x="%d" y="%.1f" text-anchor="end">%g</text>`+"\n",
			left, py(y), right, py(y), left-6, py(y)+4, round(y))
	}
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="black"/>`+"\n", left, top, right-left, bottom-top)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">extra requests</text>`+"\n", (left+right)/2, bottom+40)
	fmt.Fprintf(&b, `<text x="18" y="%d" text-anchor="middle" transform="rotate(-90 18 %d)">p99 (ms)</text>`+"\n", (top+bottom)/2, (top+bottom)/2)

	var sweep []*result
	for _, r := range results {
		if r.row.kind == "sweep" {
			sweep = append(sweep, r)
		}
	}
	slices.SortFunc(sweep, func(a, b *result) int { return int(a.row.delay - b.row.delay) })
	if len(sweep) > 0 {
		b.WriteString(`<polyline fill="none" stroke="#2ca02c" stroke-width="2" points="`)
		for _, r := range sweep {
			fmt.Fprintf(&b, "%.1f,%.1f ", px(100*r.extra()), py(ms(r.p99)))
		}
		b.WriteString("\"/>\n")
	}
	// The sweep's points carry their delay; the other rows a number the
	// legend explains.
	n := 0
	for _, r := range results {
		if r.row.kind == "slow" {
			continue
		}
		x, y := px(100*r.extra()), py(ms(r.p99))
		fill := map[string]string{"none": "#7f7f7f", "peer": "#d62728", "ours": "#1f77b4", "sweep": "#2ca02c"}[r.row.kind]
		label := fmt.Sprintf("%g ms", ms(r.row.delay))
		if r.row.kind != "sweep" {
			n++
			label = fmt.Sprint(n)
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%d  %s: %.1f%%, %.1f ms</text>`+"\n",
				legendX, top+legendLine*n, fill, n, html.EscapeString(r.row.name), 100*r.extra(), ms(r.p99))
		}
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s"/><text x="%.1f" y="%.1f" fill="%s" font-size="11">%s</text>`+"\n",
			x, y, fill, x+6, y-6, fill, label)
	}
	if len(sweep) > 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#2ca02c">line: one hedge after a static delay (the label, ms),</text>`+"\n", legendX, top+legendLine*(n+2))
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#2ca02c">%s to %s, %d requests each</text>`+"\n",
			legendX, top+legendLine*(n+3), sweep[0].row.delay, sweep[len(sweep)-1].row.delay, sweep[0].made)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#7f7f7f">p99 of the requests as their callers saw them; extra requests:</text>`+"\n", legendX, top+legendLine*(n+5))
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#7f7f7f">requests the server started per request made, minus 1</text>`+"\n", legendX, top+legendLine*(n+6))
	b.WriteString("</svg>\n")
	return b.Bytes()
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
