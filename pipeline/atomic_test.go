package pipeline

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"
)

// TestNoAtomicTypes: the package uses the functions of sync/atomic, not its
// integer and Bool types (see the fields of mapper). Map and OrderedMap are
// compiled into the user's package, and there the methods of those types
// are called rather than inlined unless that package imports sync/atomic
// itself; the functions are inlined everywhere. atomic.Pointer is generic
// and compiled with its user, so it is inlined too.
func TestNoAtomicTypes(t *testing.T) {
	types := map[string]bool{
		"Bool": true, "Int32": true, "Int64": true, "Uint32": true,
		"Uint64": true, "Uintptr": true, "Value": true,
	}
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "atomic" && types[sel.Sel.Name] {
				t.Errorf("%s: atomic.%s: use the functions of sync/atomic on a plain integer",
					fset.Position(sel.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no source files found")
	}
}

// TestAtomicWordsAligned: the 64-bit words used atomically sit at offsets
// that are multiples of 8, as 64-bit atomic operations need on 32-bit
// platforms (run with GOARCH=386 to check them there).
func TestAtomicWordsAligned(t *testing.T) {
	var m mapper[int, string]
	var c chunk[int, string]
	for name, off := range map[string]uintptr{
		"mapper.fill":   unsafe.Offsetof(m.fill),
		"mapper.target": unsafe.Offsetof(m.target),
		"mapper.idle":   unsafe.Offsetof(m.idle),
		"chunk.gen":     unsafe.Offsetof(c.gen),
	} {
		if off%8 != 0 {
			t.Errorf("%s is at offset %d, not a multiple of 8", name, off)
		}
	}
}
