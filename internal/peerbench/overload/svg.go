package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"
)

// The plot's geometry, in SVG user units.
const (
	plotWidth  = 1000.0
	panelH     = 260.0
	marginL    = 60.0
	marginR    = 170.0 // the legend
	marginT    = 30.0
	panelGap   = 60.0
	plotBottom = 40.0
)

// rowColors are the rows' line colours, in the order of rowSpecs.
var rowColors = []string{"#999999", "#000000", "#1f5fbf", "#e07b00", "#2e9e44", "#9b3fb5"}

// writeSVG plots every row's limit (top) and goodput (bottom) over time.
func writeSVG(path string, ps []phase, slots int, rows []*row) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	plot(w, ps, slots, rows)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// An axis maps a panel's data onto the page.
type axis struct {
	top, height float64 // of the panel
	yMax        float64
	end         time.Duration
}

func (a axis) x(t time.Duration) float64 {
	return marginL + (plotWidth-marginL-marginR)*float64(t)/float64(a.end)
}

func (a axis) y(v float64) float64 { return a.top + a.height*(1-min(v, a.yMax)/a.yMax) }

func plot(w io.Writer, ps []phase, slots int, rows []*row) {
	end := ps[len(ps)-1].start + ps[len(ps)-1].duration
	height := marginT + 2*panelH + panelGap + plotBottom
	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="11">`+"\n",
		plotWidth, height, plotWidth, height)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	lim := axis{top: marginT, height: panelH, yMax: float64(4 * slots), end: end}
	gstep := math.Pow(10, math.Floor(math.Log10(capacity(slots)))) / 2 // 50 for 100..999
	good := axis{top: marginT + panelH + panelGap, height: panelH, yMax: gstep * math.Ceil(1.3*capacity(slots)/gstep), end: end}
	frame(w, lim, ps, fmt.Sprintf("limit (C = %d, dotted red; clipped at 4C)", slots), float64(slots))
	frame(w, good, ps, "goodput, calls/s done in time (0.5 s bins; capacity dotted red)", 2*gstep)

	// C itself, in the limit panel, and the capacity in the goodput panel.
	var cpath, gpath strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&cpath, "M%.1f,%.1f H%.1f ", lim.x(p.start), lim.y(float64(p.slots)), lim.x(p.start+p.duration))
		gy := good.y(capacity(p.slots))
		fmt.Fprintf(&gpath, "M%.1f,%.1f H%.1f ", good.x(p.start), gy, good.x(p.start+p.duration))
	}
	fmt.Fprintf(w, `<path d="%s" stroke="#cc0000" stroke-dasharray="2,3" fill="none"/>`+"\n", cpath.String())
	fmt.Fprintf(w, `<path d="%s" stroke="#cc0000" stroke-dasharray="2,3" fill="none"/>`+"\n", gpath.String())

	for i, r := range rows {
		color := rowColors[i%len(rowColors)]
		width := 1.2
		if r.name == adaptiveRow {
			width = 2.2
		}
		if len(r.limits) > 0 && r.limits[0] >= 0 {
			const per = 10 // samples a point: 100 ms
			var d strings.Builder
			for k := 0; k+per <= len(r.limits); k += per {
				sum := 0
				for _, l := range r.limits[k : k+per] {
					sum += l
				}
				cmd := 'L'
				if k == 0 {
					cmd = 'M'
				}
				fmt.Fprintf(&d, "%c%.1f,%.1f ", cmd, lim.x(time.Duration(k+per/2)*tick), lim.y(float64(sum)/per))
			}
			polyline(w, d.String(), color, width)
		}
		const per = 5 // bins a point: 0.5 s
		var d strings.Builder
		for k := 0; k+per <= len(r.good); k += per {
			sum := 0
			for j := k; j < k+per; j++ {
				sum += int(r.good[j].Load())
			}
			cmd := 'L'
			if k == 0 {
				cmd = 'M'
			}
			rate := float64(sum) / (per * bin).Seconds()
			fmt.Fprintf(&d, "%c%.1f,%.1f ", cmd, good.x(time.Duration(k)*bin+per*bin/2), good.y(rate))
		}
		polyline(w, d.String(), color, width)
		ly := marginT + 10 + 18*float64(i)
		lx := plotWidth - marginR + 15
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"/>`+"\n", lx, ly, lx+20, ly, color, width+1)
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" dominant-baseline="middle">%s</text>`+"\n", lx+26, ly, r.name)
	}
	fmt.Fprintln(w, "</svg>")
}

func polyline(w io.Writer, d, color string, width float64) {
	fmt.Fprintf(w, `<path d="%s" stroke="%s" stroke-width="%.1f" fill="none" stroke-linejoin="round"/>`+"\n", d, color, width)
}

// frame draws a panel's box, title, y ticks every unit and the phase
// boundaries.
func frame(w io.Writer, a axis, ps []phase, title string, unit float64) {
	x0, x1 := a.x(0), a.x(a.end)
	fmt.Fprintf(w, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#444"/>`+"\n", x0, a.top, x1-x0, a.height)
	fmt.Fprintf(w, `<text x="%.1f" y="%.1f" font-weight="bold">%s</text>`+"\n", x0, a.top-8, title)
	for v := 0.0; v <= a.yMax+1e-9; v += unit {
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", x0, a.y(v), x1, a.y(v))
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="end" dominant-baseline="middle">%.0f</text>`+"\n", x0-5, a.y(v), v)
	}
	for _, p := range ps {
		x := a.x(p.start)
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#888" stroke-dasharray="4,3"/>`+"\n", x, a.top, x, a.top+a.height)
		fmt.Fprintf(w, `<text x="%.1f" y="%.1f">%s</text>`+"\n", x+3, a.top+a.height+14, p.name)
	}
	fmt.Fprintf(w, `<text x="%.1f" y="%.1f" text-anchor="end">%v</text>`+"\n", x1, a.top+a.height+28, a.end)
}
