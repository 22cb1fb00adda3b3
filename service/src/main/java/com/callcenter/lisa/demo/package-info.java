/**
 * Demo mode only ({@code LISA_DEMO=true}): a stand-in for the call center's CRM, so that the demo shows Lisa booking a
 * callback through a tool without anything installed. None of it exists outside demo mode.
 */
package com.callcenter.lisa.demo;
