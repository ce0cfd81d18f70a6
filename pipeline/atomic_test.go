package pipeline

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
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
