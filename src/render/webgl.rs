//! The map in WebGL2: meshes from `skyhex_core::map::mesh` are uploaded once per aggregate
//! (or basemap) and every frame after that only sets uniforms, so panning and zooming over
//! a million hexagons costs a handful of draw calls.

use std::rc::Rc;
use std::sync::Arc;

use skyhex_core::map::basemap::WorldAtlas;
use skyhex_core::map::camera::Camera;
use skyhex_core::map::cell_pixels::{ClassImage, Placement};
use skyhex_core::map::colour::CellColours;
use skyhex_core::map::mercator::{WorldBounds, WorldPoint};
use skyhex_core::map::mesh::{Mesh, MeshChunk, vertex_classes};
use skyhex_core::map::track::TrackLayer;
use wasm_bindgen::JsCast;
use web_sys::{
    HtmlCanvasElement, WebGl2RenderingContext as Gl, WebGlBuffer, WebGlProgram, WebGlShader,
    WebGlUniformLocation, WebGlVertexArrayObject,
};

use super::cell_pixels::GpuCellPixels;
use super::tiles::{TileCounts, TileLayer};
use super::{Hexagons, MapLayers, basemap_for_zoom, style, world_copies};

const VERTEX_SHADER: &str = r"#version 300 es
layout(location = 0) in vec2 a_position;
layout(location = 1) in float a_class;
// Lines: the unit normal the vertex moves along, by u_line_px (0 for areas).
layout(location = 2) in vec2 a_offset;
// Screen position (CSS pixels) of the chunk's origin, and pixels per world unit: the
// chunk's origin is added here in f32 only after the camera was subtracted in f64.
uniform vec2 u_origin_px;
uniform float u_scale_px;
uniform vec2 u_viewport_px;
uniform float u_line_px;
flat out int v_class;
void main() {
    vec2 px = a_position * u_scale_px + u_origin_px + a_offset * u_line_px;
    gl_Position = vec4(px.x / u_viewport_px.x * 2.0 - 1.0, 1.0 - px.y / u_viewport_px.y * 2.0, 0.0, 1.0);
    // Class 255: a cell without a value; every vertex outside the view clips it away.
    if (a_class > 254.5) gl_Position = vec4(2.0, 2.0, 2.0, 1.0);
    v_class = int(a_class);
}
";

const FRAGMENT_SHADER: &str = r"#version 300 es
precision mediump float;
const int CLASSES = 8;
uniform vec4 u_palette[CLASSES];
// -1: every vertex in u_palette[0]; else the vertex's class picks the colour.
uniform int u_by_class;
flat in int v_class;
out vec4 colour;
void main() {
    vec4 picked = u_palette[clamp(v_class, 0, CLASSES - 1)];
    colour = u_by_class < 0 ? u_palette[0] : picked;
}
";

/// Colours the fragment shader holds (a scale has at most this many classes).
const PALETTE_SLOTS: usize = 8;

/// Cells narrower than this (CSS pixels) are painted as pixels ([`ClassImage`]), each a
/// square as wide: the same picture without triangles (a million res-7 cells on
/// SwiftShader: frames 0.64 s drawn as GL points, 3.0 s as triangles, `bench/browser/map.mjs`).
const PIXELS_BELOW_PX: f64 = 2.0;

/// A WebGL2 map on one canvas.
#[derive(Debug)]
pub struct GlMap {
    gl: Gl,
    program: WebGlProgram,
    uniforms: Uniforms,
    /// The hexagons' triangles on the GPU, per chunk of points: only those of chunks drawn
    /// wide enough to need them.
    hexagons: Option<(Arc<Hexagons>, Vec<Option<GpuMesh>>)>,
    /// The picture of the cells painted as pixels, kept between frames for its buffer.
    class_image: ClassImage,
    cell_pixels: GpuCellPixels,
    /// The colours `hexagons`' class buffers hold.
    hexagon_colours: Option<Arc<CellColours>>,
    traffic: Option<(Arc<TrackLayer>, GpuMesh)>,
    track: Option<(Arc<TrackLayer>, GpuMesh)>,
    tiles: Option<TileLayer>,
    coarse_basemap: Option<(Arc<WorldAtlas>, GpuBasemap)>,
    detailed_basemap: Option<(Arc<WorldAtlas>, GpuBasemap)>,
}

#[derive(Debug)]
struct Uniforms {
    origin_px: Option<WebGlUniformLocation>,
    scale_px: Option<WebGlUniformLocation>,
    viewport_px: Option<WebGlUniformLocation>,
    line_px: Option<WebGlUniformLocation>,
    palette: Option<WebGlUniformLocation>,
    by_class: Option<WebGlUniformLocation>,
}

impl GlMap {
    /// A WebGL2 context on `canvas`, or why there is none (the page falls back to a 2D
    /// canvas then).
    pub fn new(canvas: &HtmlCanvasElement) -> Result<Self, String> {
        // The drawing buffer is kept after a frame so screenshots and PNG exports can read
        // it; it is opaque (blending then never leaves alpha below 1 for the page to mix).
        let options = js_sys::Object::new();
        for (option, value) in [("preserveDrawingBuffer", true), ("alpha", false)] {
            js_sys::Reflect::set(&options, &option.into(), &value.into())
                .map_err(|err| crate::browser::js_error_message(&err))?;
        }
        let gl = canvas
            .get_context_with_context_options("webgl2", &options)
            .map_err(|err| crate::browser::js_error_message(&err))?
            .ok_or("this browser has no WebGL2")?
            .dyn_into::<Gl>()
            .map_err(|_| "the webgl2 context is not a WebGL2RenderingContext".to_owned())?;
        let program = link_program(&gl, VERTEX_SHADER, FRAGMENT_SHADER)?;
        let uniform = |name: &str| gl.get_uniform_location(&program, name);
        let uniforms = Uniforms {
            origin_px: uniform("u_origin_px"),
            scale_px: uniform("u_scale_px"),
            viewport_px: uniform("u_viewport_px"),
            line_px: uniform("u_line_px"),
            palette: uniform("u_palette"),
            by_class: uniform("u_by_class"),
        };
        let cell_pixels = GpuCellPixels::new(&gl)?;
        Ok(Self {
            gl,
            program,
            uniforms,
            hexagons: None,
            class_image: ClassImage::default(),
            cell_pixels,
            hexagon_colours: None,
            traffic: None,
            track: None,
            tiles: None,
            coarse_basemap: None,
            detailed_basemap: None,
        })
    }

    /// Draws the map; meshes of layers not seen before are built and uploaded first.
    /// Returns the hexagon chunks it would draw as triangles once they are here.
    pub fn draw(&mut self, camera: &Camera, pixel_ratio: f64, layers: &MapLayers<'_>) -> Vec<usize> {
        self.upload(layers);
        let gl = &self.gl;
        let (width, height) = (camera.viewport_px.x * pixel_ratio, camera.viewport_px.y * pixel_ratio);
        gl.viewport(0, 0, width.round() as i32, height.round() as i32);
        let [r, g, b] = layers.basemap_colours.ocean;
        gl.clear_color(channel(r), channel(g), channel(b), 1.0);
        gl.clear(Gl::COLOR_BUFFER_BIT);
        gl.enable(Gl::BLEND);
        gl.blend_func(Gl::SRC_ALPHA, Gl::ONE_MINUS_SRC_ALPHA);
        self.use_main_program(camera);
        let basemap =
            basemap_for_zoom(camera.zoom, self.coarse_basemap.as_ref(), self.detailed_basemap.as_ref());
        for offset in world_copies(camera) {
            if let Some((_, basemap)) = basemap {
                self.set_single_colour(layers.basemap_colours.land);
                self.draw_mesh(camera, offset, &basemap.land, Gl::TRIANGLES);
                self.set_single_colour(layers.basemap_colours.coastline);
                self.draw_mesh(camera, offset, &basemap.land, Gl::LINES);
                self.set_single_colour(layers.basemap_colours.border);
                self.draw_mesh(camera, offset, &basemap.borders, Gl::LINES);
            }
        }
        // Raster tiles cover the land (which shows where they have not arrived yet).
        if let Some(tiles) = &self.tiles {
            tiles.draw(camera);
            self.use_main_program(camera);
        }
        // Hidden hexagons are not drawn at all (their opacity is 0).
        let wanted = match layers.opacity > 0.0 {
            true => self.draw_hexagons(camera, pixel_ratio, layers),
            false => Vec::new(),
        };
        for offset in world_copies(camera) {
            if let Some((_, traffic)) = &self.traffic {
                self.draw_lines(camera, offset, traffic, &style::TRAFFIC);
            }
            if let Some((_, track)) = &self.track {
                self.draw_lines(camera, offset, track, &style::TRACK);
            }
        }
        wanted
    }

    /// Raster tiles from `template` under the hexagons (`None`: none); `on_change` hears of
    /// each tile that lands or fails.
    pub fn set_tiles(
        &mut self,
        template: Option<&str>,
        on_change: &Rc<dyn Fn(TileCounts)>,
    ) -> Result<(), String> {
        match template {
            None => self.tiles = None,
            Some(template) if self.tiles.as_ref().is_some_and(|tiles| tiles.template() == template) => {}
            Some(template) => self.tiles = Some(TileLayer::new(&self.gl, template, Rc::clone(on_change))?),
        }
        Ok(())
    }

    fn use_main_program(&self, camera: &Camera) {
        self.gl.use_program(Some(&self.program));
        self.gl.uniform1f(self.uniforms.scale_px.as_ref(), camera.scale_px() as f32);
        self.gl.uniform2f(
            self.uniforms.viewport_px.as_ref(),
            camera.viewport_px.x as f32,
            camera.viewport_px.y as f32,
        );
    }

    /// Lines in their altitude colours, on a dark casing when the style has one.
    fn draw_lines(&self, camera: &Camera, offset: f64, lines: &GpuMesh, line: &style::LineStyle) {
        if line.casing {
            self.set_single_colour(style::TRACK_CASING);
            self.gl.uniform1f(self.uniforms.line_px.as_ref(), (line.width_px / 2.0 + 1.0) as f32);
            self.draw_mesh(camera, offset, lines, Gl::TRIANGLES);
        }
        let mut palette = [0.0_f32; PALETTE_SLOTS * 4];
        for (slot, [r, g, b]) in palette.chunks_exact_mut(4).zip(style::TRACK_COLOURS) {
            slot.copy_from_slice(&[channel(r), channel(g), channel(b), line.alpha as f32]);
        }
        self.gl.uniform4fv_with_f32_array(self.uniforms.palette.as_ref(), &palette);
        self.gl.uniform1i(self.uniforms.by_class.as_ref(), 0);
        self.gl.uniform1f(self.uniforms.line_px.as_ref(), (line.width_px / 2.0) as f32);
        self.draw_mesh(camera, offset, lines, Gl::TRIANGLES);
        self.gl.uniform1f(self.uniforms.line_px.as_ref(), 0.0);
    }

    fn upload(&mut self, layers: &MapLayers<'_>) {
        let gl = &self.gl;
        let colours = &layers.colours.classes;
        match &mut self.hexagons {
            Some((layer, meshes)) if Arc::ptr_eq(layer, layers.hexagons) => {
                if self.hexagon_colours.as_ref().is_none_or(|uploaded| !Arc::ptr_eq(uploaded, layers.colours))
                {
                    meshes.iter_mut().flatten().for_each(|mesh| mesh.recolour(colours));
                }
            }
            _ => {
                let meshes = layers.hexagons.points.iter().map(|_| None).collect();
                self.hexagons = Some((Arc::clone(layers.hexagons), meshes));
            }
        }
        self.hexagon_colours = Some(Arc::clone(layers.colours));
        for (slot, lines) in [(&mut self.traffic, layers.traffic), (&mut self.track, layers.track)] {
            match lines {
                Some(lines) if slot.as_ref().is_none_or(|(shown, _)| !Arc::ptr_eq(shown, lines)) => {
                    let mesh = GpuMesh::new(gl, &Mesh::of_track(lines), Some(&lines.segment_bands));
                    *slot = Some((Arc::clone(lines), mesh));
                }
                Some(_) => {}
                None => *slot = None,
            }
        }
        for (slot, basemap) in [
            (&mut self.coarse_basemap, layers.coarse_basemap),
            (&mut self.detailed_basemap, layers.detailed_basemap),
        ] {
            let Some(basemap) = basemap else { continue };
            if slot.as_ref().is_none_or(|(uploaded, _)| !Arc::ptr_eq(uploaded, basemap)) {
                let meshes = GpuBasemap {
                    land: GpuMesh::new(gl, &Mesh::of_land(&basemap.land), None),
                    borders: GpuMesh::new(gl, &Mesh::of_outlines(&basemap.countries), None),
                };
                *slot = Some((Arc::clone(basemap), meshes));
            }
        }
    }

    /// Every vertex in one opaque colour.
    fn set_single_colour(&self, [r, g, b]: [u8; 3]) {
        let colour = [channel(r), channel(g), channel(b), 1.0];
        self.gl.uniform4fv_with_f32_array(self.uniforms.palette.as_ref(), &colour);
        self.gl.uniform1i(self.uniforms.by_class.as_ref(), -1);
    }

    fn set_palette(&self, palette: &[f32]) {
        self.gl.uniform4fv_with_f32_array(self.uniforms.palette.as_ref(), palette);
        self.gl.uniform1i(self.uniforms.by_class.as_ref(), 0);
    }

    /// Draws the chunks of `mesh` that the viewport shows, shifted by `offset` worlds.
    fn draw_mesh(&self, camera: &Camera, offset: f64, mesh: &GpuMesh, mode: u32) {
        for chunk in &mesh.chunks {
            let (vao, count) = match mode {
                Gl::LINES => (&chunk.outlines, chunk.outline_indices),
                _ => (&chunk.triangles, chunk.triangle_indices),
            };
            if count > 0 && self.place(camera, offset, chunk) {
                self.gl.bind_vertex_array(Some(vao));
                self.gl.draw_elements_with_i32(mode, count, Gl::UNSIGNED_INT, 0);
            }
        }
        self.gl.bind_vertex_array(None);
    }

    /// Draws the hexagons the viewport shows, in every copy of the world: as triangles where
    /// cells are at least [`PIXELS_BELOW_PX`] wide, else painted as pixels (one picture
    /// over the view, drawn last). A chunk whose triangles are not here yet is painted
    /// meanwhile; returns those chunks.
    fn draw_hexagons(&mut self, camera: &Camera, pixel_ratio: f64, layers: &MapLayers<'_>) -> Vec<usize> {
        let Some((hexagons, mut meshes)) = self.hexagons.take() else { return Vec::new() };
        let palette = palette(layers.colours, layers.opacity);
        self.set_palette(&palette);
        let mut image = std::mem::take(&mut self.class_image);
        let size_px = |css_px: f64| (css_px * pixel_ratio).round().max(0.0) as usize;
        image.clear(size_px(camera.viewport_px.x), size_px(camera.viewport_px.y));
        let (mut painted, mut wanted) = (false, Vec::new());
        let visible = camera.visible_bounds();
        for offset in world_copies(camera) {
            for (index, points) in hexagons.points.iter().enumerate() {
                if !points.bounds.shifted_x(offset).intersects(&visible) {
                    continue;
                }
                let wide = points.mean_width * camera.scale_px() >= PIXELS_BELOW_PX;
                if wide && meshes[index].is_none() {
                    meshes[index] = hexagons
                        .take_triangles(index)
                        .map(|mesh| GpuMesh::new(&self.gl, &mesh, Some(&layers.colours.classes)));
                }
                match meshes[index].as_ref().filter(|_| wide) {
                    Some(mesh) => self.draw_mesh(camera, offset, mesh, Gl::TRIANGLES),
                    None => {
                        if wide {
                            wanted.push(index);
                        }
                        let origin = camera
                            .screen_from_world(WorldPoint::new(points.origin.x + offset, points.origin.y));
                        let at = Placement {
                            origin_px: [origin.x * pixel_ratio, origin.y * pixel_ratio],
                            scale_px: camera.scale_px() * pixel_ratio,
                        };
                        image.paint(points, &layers.colours.classes, at);
                        painted = true;
                    }
                }
            }
        }
        if painted {
            self.cell_pixels.draw(&image, &palette);
            self.use_main_program(camera);
        }
        self.class_image = image;
        self.hexagons = Some((hexagons, meshes));
        wanted
    }

    /// Whether the viewport shows `chunk` (shifted by `offset` worlds); if so, the shader
    /// is told where its origin is.
    fn place(&self, camera: &Camera, offset: f64, chunk: &GpuChunk) -> bool {
        if !chunk.bounds.shifted_x(offset).intersects(&camera.visible_bounds()) {
            return false;
        }
        let origin = camera.screen_from_world(WorldPoint::new(chunk.origin.x + offset, chunk.origin.y));
        self.gl.uniform2f(self.uniforms.origin_px.as_ref(), origin.x as f32, origin.y as f32);
        true
    }
}

fn channel(value: u8) -> f32 {
    f32::from(value) / 255.0
}

/// The RGBA of each class of `colours`' scale, at `opacity`.
fn palette(colours: &CellColours, opacity: f64) -> [f32; PALETTE_SLOTS * 4] {
    let mut palette = [0.0_f32; PALETTE_SLOTS * 4];
    for (slot, class) in palette.chunks_exact_mut(4).zip(&colours.scale.classes) {
        let [r, g, b] = class.colour;
        slot.copy_from_slice(&[channel(r), channel(g), channel(b), opacity as f32]);
    }
    palette
}

/// A basemap level on the GPU: the land (filled, its rings the coasts) and the borders.
#[derive(Debug)]
struct GpuBasemap {
    land: GpuMesh,
    borders: GpuMesh,
}

/// A mesh in GPU buffers; the buffers are deleted with it.
#[derive(Debug)]
struct GpuMesh {
    gl: Gl,
    chunks: Vec<GpuChunk>,
}

#[derive(Debug)]
struct GpuChunk {
    origin: WorldPoint,
    bounds: WorldBounds,
    triangles: WebGlVertexArrayObject,
    triangle_indices: i32,
    outlines: WebGlVertexArrayObject,
    outline_indices: i32,
    /// The colour class of each vertex (hexagons only), refilled when colours change.
    classes: Option<WebGlBuffer>,
    cell_runs: Vec<(u32, u32)>,
    buffers: Vec<WebGlBuffer>,
}

impl GpuMesh {
    /// Uploads `mesh`; `cell_classes` (the class of each of the layer's cells) colours it
    /// by class, `None` leaves it to one colour.
    fn new(gl: &Gl, mesh: &Mesh, cell_classes: Option<&[u8]>) -> Self {
        let chunks = mesh.chunks.iter().filter_map(|chunk| GpuChunk::new(gl, chunk, cell_classes)).collect();
        Self { gl: gl.clone(), chunks }
    }

    /// Refills the class buffers: a new scale or metric keeps the geometry.
    fn recolour(&mut self, cell_classes: &[u8]) {
        for chunk in &self.chunks {
            if let Some(buffer) = &chunk.classes {
                let classes = vertex_classes(&chunk.cell_runs, cell_classes);
                self.gl.bind_buffer(Gl::ARRAY_BUFFER, Some(buffer));
                self.gl.buffer_data_with_array_buffer_view(
                    Gl::ARRAY_BUFFER,
                    &js_sys::Uint8Array::from(classes.as_slice()),
                    Gl::STATIC_DRAW,
                );
            }
        }
    }
}

impl Drop for GpuMesh {
    fn drop(&mut self) {
        for chunk in &self.chunks {
            self.gl.delete_vertex_array(Some(&chunk.triangles));
            self.gl.delete_vertex_array(Some(&chunk.outlines));
            chunk.buffers.iter().chain(&chunk.classes).for_each(|buffer| self.gl.delete_buffer(Some(buffer)));
        }
    }
}

impl GpuChunk {
    /// Uploads one chunk: two vertex arrays sharing the vertex buffers, one indexing
    /// triangles, one outline segments. `None` when the context is lost.
    fn new(gl: &Gl, chunk: &MeshChunk, cell_classes: Option<&[u8]>) -> Option<Self> {
        let positions =
            upload(gl, Gl::ARRAY_BUFFER, &js_sys::Float32Array::from(chunk.positions.as_slice()))?;
        let classes = match cell_classes {
            Some(cell_classes) => {
                let classes = vertex_classes(&chunk.cell_runs, cell_classes);
                Some(upload(gl, Gl::ARRAY_BUFFER, &js_sys::Uint8Array::from(classes.as_slice()))?)
            }
            None => None,
        };
        let offsets = match chunk.offsets.is_empty() {
            true => None,
            false => {
                Some(upload(gl, Gl::ARRAY_BUFFER, &js_sys::Float32Array::from(chunk.offsets.as_slice()))?)
            }
        };
        let vertex_array = |indices: &[u32]| -> Option<(WebGlVertexArrayObject, WebGlBuffer)> {
            let vao = gl.create_vertex_array()?;
            gl.bind_vertex_array(Some(&vao));
            gl.bind_buffer(Gl::ARRAY_BUFFER, Some(&positions));
            gl.enable_vertex_attrib_array(0);
            gl.vertex_attrib_pointer_with_i32(0, 2, Gl::FLOAT, false, 0, 0);
            // Without classes the attribute keeps its constant default, 0.
            if let Some(classes) = &classes {
                gl.bind_buffer(Gl::ARRAY_BUFFER, Some(classes));
                gl.enable_vertex_attrib_array(1);
                gl.vertex_attrib_pointer_with_i32(1, 1, Gl::UNSIGNED_BYTE, false, 0, 0);
            }
            if let Some(offsets) = &offsets {
                gl.bind_buffer(Gl::ARRAY_BUFFER, Some(offsets));
                gl.enable_vertex_attrib_array(2);
                gl.vertex_attrib_pointer_with_i32(2, 2, Gl::FLOAT, false, 0, 0);
            }
            let elements = upload(gl, Gl::ELEMENT_ARRAY_BUFFER, &js_sys::Uint32Array::from(indices))?;
            gl.bind_vertex_array(None);
            Some((vao, elements))
        };
        let (triangles, triangle_elements) = vertex_array(&chunk.triangles)?;
        let (outlines, outline_elements) = vertex_array(&chunk.outlines)?;
        Some(Self {
            origin: chunk.origin,
            bounds: chunk.bounds,
            triangles,
            triangle_indices: i32::try_from(chunk.triangles.len()).ok()?,
            outlines,
            outline_indices: i32::try_from(chunk.outlines.len()).ok()?,
            classes,
            cell_runs: chunk.cell_runs.clone(),
            buffers: [positions, triangle_elements, outline_elements].into_iter().chain(offsets).collect(),
        })
    }
}

/// Sets how the bound 2D texture is sampled: `filter` (LINEAR or NEAREST) both ways, clamped at its edges.
pub(super) fn set_sampling(gl: &Gl, filter: u32) {
    for (parameter, value) in [
        (Gl::TEXTURE_MIN_FILTER, filter),
        (Gl::TEXTURE_MAG_FILTER, filter),
        (Gl::TEXTURE_WRAP_S, Gl::CLAMP_TO_EDGE),
        (Gl::TEXTURE_WRAP_T, Gl::CLAMP_TO_EDGE),
    ] {
        gl.tex_parameteri(Gl::TEXTURE_2D, parameter, value as i32);
    }
}

pub(super) fn upload(gl: &Gl, target: u32, data: &js_sys::Object) -> Option<WebGlBuffer> {
    let buffer = gl.create_buffer()?;
    gl.bind_buffer(target, Some(&buffer));
    gl.buffer_data_with_array_buffer_view(target, data, Gl::STATIC_DRAW);
    Some(buffer)
}

pub(super) fn link_program(gl: &Gl, vertex: &str, fragment: &str) -> Result<WebGlProgram, String> {
    let vertex = compile(gl, Gl::VERTEX_SHADER, vertex)?;
    let fragment = compile(gl, Gl::FRAGMENT_SHADER, fragment)?;
    let program = gl.create_program().ok_or("cannot create a WebGL program")?;
    gl.attach_shader(&program, &vertex);
    gl.attach_shader(&program, &fragment);
    gl.link_program(&program);
    if gl.get_program_parameter(&program, Gl::LINK_STATUS).as_bool() == Some(true) {
        Ok(program)
    } else {
        Err(gl.get_program_info_log(&program).unwrap_or_else(|| "the WebGL program does not link".to_owned()))
    }
}

fn compile(gl: &Gl, kind: u32, source: &str) -> Result<WebGlShader, String> {
    let shader = gl.create_shader(kind).ok_or("cannot create a WebGL shader")?;
    gl.shader_source(&shader, source);
    gl.compile_shader(&shader);
    if gl.get_shader_parameter(&shader, Gl::COMPILE_STATUS).as_bool() == Some(true) {
        Ok(shader)
    } else {
        Err(gl.get_shader_info_log(&shader).unwrap_or_else(|| "a WebGL shader does not compile".to_owned()))
    }
}
