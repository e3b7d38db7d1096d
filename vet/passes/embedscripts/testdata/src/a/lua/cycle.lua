%include "cycle2"
-- want^ "include cycle: cycle2 -> cycle -> cycle2"
