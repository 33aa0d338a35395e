/* Validators, entropy and placeholder detection: declared in internal.h. */
