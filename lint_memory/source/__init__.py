"""Files as text and back: decoding, line indexes, notebooks, suppression comments, atomic writes."""
