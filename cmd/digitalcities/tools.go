package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/uclg-digital-cities/digitalcities/api"
	"github.com/uclg-digital-cities/digitalcities/internal/auth"
	"github.com/uclg-digital-cities/digitalcities/internal/config"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
	"github.com/uclg-digital-cities/digitalcities/internal/seed"
)

// commandLine signs the audit rows of writes made with the command.
var commandLine = domain.Caller{Actor: &domain.Actor{Name: "command line", Role: domain.RoleAdmin}}

func seedCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	synthetic := fs.Int("synthetic", 0, "also replace the synthetic observations with this many (for benchmarks and demos)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *synthetic < 0 {
		return usageError{"seed: --synthetic takes a number of observations"}
	}
	return withDB(ctx, cfg, func(db *postgres.DB) error {
		n, err := seed.Run(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "sample data loaded: %d records added\n", n)
		if *synthetic == 0 {
			return nil
		}
		start := time.Now()
		if err := db.LoadSynthetic(ctx, *synthetic); err != nil {
			return err
		}
		d := time.Since(start)
		fmt.Fprintf(stdout, "synthetic observations loaded: %d in %s (%.0f rows/s)\n", *synthetic, d.Round(time.Millisecond),
			float64(*synthetic)/d.Seconds())
		return nil
	})
}

func openapiCmd(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("openapi", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON instead of YAML")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	_, h := api.New(api.Deps{})
	var b []byte
	var err error
	if *asJSON {
		b, err = h.OpenAPI().MarshalJSON()
	} else {
		b, err = h.OpenAPI().YAML()
	}
	if err != nil {
		return err
	}
	_, err = stdout.Write(b)
	return err
}

// stringList is a repeatable string flag (--city a --city b).
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func tokenCmd(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{"token needs create, list or revoke"}
	}
	switch args[0] {
	case "create":
		fs := flag.NewFlagSet("token create", flag.ContinueOnError)
		role := fs.String("role", "", "admin, secretariat, editor or subscriber")
		name := fs.String("name", "", "what the token is for, or who holds it")
		var cities stringList
		fs.Var(&cities, "city", "a city an editor may write (repeat for several)")
		if err := parseFlags(fs, args[1:]); err != nil {
			return err
		}
		in := domain.TokenCreate{Name: *name, Role: domain.Role(*role), Cities: cities}
		if err := in.Validate(); err != nil {
			return usageError{"token create: " + domain.ErrorMessage(err)}
		}
		return withDB(ctx, cfg, func(db *postgres.DB) error {
			secret, prefix, hash := auth.NewSecret()
			t, err := db.CreateToken(ctx, commandLine, in, prefix, hash)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "token %d (%s, %s) created. Its secret, shown only now:\n%s\n", t.ID, t.Role, t.Name, secret)
			return nil
		})
	case "list":
		return withDB(ctx, cfg, func(db *postgres.DB) error {
			w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tROLE\tNAME\tCITIES\tPREFIX\tCREATED\tLAST USED\tREVOKED")
			var after int64
			for {
				tokens, more, err := db.ListTokens(ctx, after, 500)
				if err != nil {
					return err
				}
				for _, t := range tokens {
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.Name, strings.Join(t.Cities, ","),
						t.Prefix, t.CreatedAt.Format(time.RFC3339), timeOrDash(t.LastUsedAt), timeOrDash(t.RevokedAt))
					after = t.ID
				}
				if !more {
					return w.Flush()
				}
			}
		})
	case "revoke":
		if len(args) != 2 {
			return usageError{"token revoke needs one token id"}
		}
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil {
			return usageError{"token revoke: " + args[1] + " is not a token id"}
		}
		return withDB(ctx, cfg, func(db *postgres.DB) error {
			t, err := db.RevokeToken(ctx, commandLine, id, domain.MatchAny)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "token %d (%s) revoked at %s\n", t.ID, t.Name, t.RevokedAt.Format(time.RFC3339))
			return nil
		})
	}
	return usageError{fmt.Sprintf("unknown token command %q", args[0])}
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
