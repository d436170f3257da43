package domain

// ProvenanceCounts counts records by provenance, so that a derived number can say how much of it
// is real: reported data, sample data invented for demonstrations, or synthetic data generated
// for load tests.
type ProvenanceCounts struct {
	Reported  int `json:"reported" db:"reported" minimum:"0" maximum:"2147483647" doc:"Real data: entered by its city or the study team, or taken from public sources."`
	Sample    int `json:"sample" db:"sample" minimum:"0" maximum:"2147483647" doc:"Invented for demonstrations; never a study result."`
	Synthetic int `json:"synthetic" db:"synthetic" minimum:"0" maximum:"2147483647" doc:"Generated for load tests and benchmarks."`
}

// Add counts one more record of the given provenance.
func (c *ProvenanceCounts) Add(provenance string) {
	switch provenance {
	case "reported":
		c.Reported++
	case "sample":
		c.Sample++
	case "synthetic":
		c.Synthetic++
	}
}

// Total is the number of records counted.
func (c ProvenanceCounts) Total() int { return c.Reported + c.Sample + c.Synthetic }
